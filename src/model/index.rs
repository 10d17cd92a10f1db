//! Case-insensitive indexes of entity ids and names: a hash table of entity numbers, whose keys
//! are read from the entity columns rather than stored again (about 5 bytes an entity).

// Entity, edge and material numbers and byte offsets are u32: a model file is at most
// `load::MAX_FILE` (4 GiB), so none of them reaches 2^32.
#![allow(clippy::cast_possible_truncation)]

use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::graph::Entities;

/// The lookup key of a text: lower case, without allocating when it already is.
pub fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    let plain = s.bytes().all(|b| !b.is_ascii_uppercase() && b < 0x80);
    if !plain && s.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key.as_bytes())
}

/// Which text of an entity an index is keyed by.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    Id,
    Name,
}

fn text(field: Field, entities: &Entities, i: u32) -> &str {
    match field {
        Field::Id => entities.id(i),
        Field::Name => entities.name(i),
    }
}

/// Entities by the lower-cased text of one field; several entities may share a key.
#[derive(Debug, Clone)]
pub struct TextIndex {
    field: Field,
    table: HashTable<u32>,
    /// The next entity with the same key (`u32::MAX` at the end of a chain).
    next: Vec<u32>,
}

impl TextIndex {
    pub fn new(field: Field, capacity: usize) -> TextIndex {
        TextIndex {
            field,
            table: HashTable::with_capacity(capacity),
            next: Vec::new(),
        }
    }

    fn text<'e>(&self, entities: &'e Entities, i: u32) -> &'e str {
        text(self.field, entities, i)
    }

    /// The first entity with this key (`key` lower-cased already).
    pub fn first(&self, entities: &Entities, key: &str) -> Option<u32> {
        self.table
            .find(hash(key), |&i| lower(self.text(entities, i)) == key)
            .copied()
    }

    /// Adds entity `i` under its key. With `unique`, a key already present keeps its entity and
    /// `i` is not added; returns whether it was.
    pub fn insert(&mut self, entities: &Entities, i: u32, unique: bool) -> bool {
        let key = lower(self.text(entities, i));
        if self.next.len() <= i as usize {
            self.next.resize(i as usize + 1, u32::MAX);
        }
        // One hash and one probe: the key's entry, found or made.
        let f = self.field;
        let entry = self.table.entry(
            hash(&key),
            |&j| lower(text(f, entities, j)) == key,
            |&j| hash(&lower(text(f, entities, j))),
        );
        match entry {
            Entry::Occupied(_) if unique => false,
            Entry::Occupied(first) => {
                // Keep the chain in insertion order: append at its end.
                let mut last = *first.get();
                while self.next[last as usize] != u32::MAX {
                    last = self.next[last as usize];
                }
                self.next[last as usize] = i;
                true
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
                true
            }
        }
    }

    /// Every entity with this key, in insertion order.
    pub fn all(&self, entities: &Entities, key: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = self.first(entities, key);
        while let Some(i) = cur {
            out.push(i);
            cur = self
                .next
                .get(i as usize)
                .copied()
                .filter(|&n| n != u32::MAX);
        }
        out
    }
}

/// The index of names: a name is indexed unless it is another entity's id (an id wins over a
/// name).
pub fn names_index(entities: &Entities, by_id: &TextIndex) -> TextIndex {
    let mut by_name = TextIndex::new(Field::Name, entities.len());
    for i in 0..entities.len() as u32 {
        let taken = by_id
            .first(entities, &lower(entities.name(i)))
            .is_some_and(|j| j != i);
        if !taken {
            by_name.insert(entities, i, false);
        }
    }
    by_name
}
