//! Resolving the ids of `edges.csv` rows to flow nodes, for the bulk reader: a table made
//! for the lookup (one cache line per id), asked in batches.

// Entity numbers and slot indexes are u32: a model has fewer than 2^32 of them.
#![allow(clippy::cast_possible_truncation)]

use std::hash::BuildHasher as _;

use super::bulk::{Bulk, GiveUp};
use super::graph::{Entities, Supply};
use super::index::lower;
use super::net::touch_by;

/// No entity yet: an id whose lookup waits in a batch.
pub const NO: u32 = u32::MAX;

/// The flow nodes by id (lower case), for resolving the rows of `edges.csv`: open addressing
/// with linear probing over 16-byte slots that hold the entity and the first bytes of its key,
/// so that a lookup of an id of up to [`INLINE`] bytes reads one cache line, whatever the order
/// of the rows (the general index reads the entity's id from the text arena, and its kind,
/// for every lookup: several cache misses each, which is what made shuffled rows slow).
/// Only flow entities are in it: a row naming a region or an unknown id is not found.
pub struct FlowIds {
    slots: Vec<Slot>,
    /// `slots.len() - 1` (a power of two less one).
    mask: usize,
}

/// Ids placed in the table at a time (see [`FlowIds::of`]).
const PLACE_BLOCK: usize = 64;

/// Bytes of a key held in its slot.
const INLINE: usize = 11;

#[derive(Clone, Copy, Default)]
struct Slot {
    /// The key's first bytes (all of them when `len <= INLINE`).
    key: [u8; INLINE],
    /// The key's length, capped at 255; 0: an empty slot (ids are never empty).
    len: u8,
    entity: u32,
}

/// Ids of the rows read, looked up in batches: with rows in any order, each lookup is a cache
/// miss, and a tight loop over many of them lets the processor wait for them together rather
/// than one at a time.
#[derive(Default)]
pub struct Lookups {
    pub pending: Vec<Lookup>,
    /// The first slot of each pending lookup, gathered.
    first: Vec<Slot>,
}

/// An id held in its slot's form (short ids only), its home slot, and the end of the edge it
/// names.
pub struct Lookup {
    want: Slot,
    home: u32,
    edge: u32,
    to: bool,
}

impl Lookups {
    pub const BATCH: usize = 1 << 12;

    /// The entity of `id` now (`NO`, to be answered later) for a short id; a long one, which
    /// needs its full text compared, is answered at once.
    pub fn ask(
        &mut self,
        ids: &FlowIds,
        entities: &Entities,
        id: &str,
        edge: u32,
        to: bool,
    ) -> Bulk<u32> {
        let key = lower(id);
        if key.len() > INLINE {
            return ids.find(entities, &key).ok_or(GiveUp);
        }
        self.pending.push(Lookup {
            want: Slot::of(&key, 0),
            home: ids.home(&key) as u32,
            edge,
            to,
        });
        Ok(NO)
    }

    /// Answers the pending lookups into the edges they name; `GiveUp` for an unknown id.
    pub fn answer(&mut self, ids: &FlowIds, supplies: &mut [Supply]) -> Bulk<()> {
        self.first.clear();
        // Independent loads, many in flight at once.
        self.first
            .extend(self.pending.iter().map(|l| ids.slots[l.home as usize]));
        for (l, first) in self.pending.iter().zip(&self.first) {
            let entity = if first.same(&l.want) {
                first.entity
            } else {
                ids.find_short(&l.want, l.home as usize).ok_or(GiveUp)?
            };
            let s = &mut supplies[l.edge as usize];
            if l.to {
                s.to = entity;
            } else {
                s.from = entity;
            }
        }
        self.pending.clear();
        Ok(())
    }
}

impl FlowIds {
    /// The flow entities from `first` on (their ids are unique, case folded, or the model's
    /// index refuses them and the reader gives up).
    pub fn of(entities: &Entities, first: u32) -> FlowIds {
        let n = entities.len().saturating_sub(first as usize);
        // Filled a third to two thirds: at most two probes a lookup on average, most within
        // the first slot's cache line (4 slots), and at 10^7 ids 256 MB rather than 512 MB.
        let size = (n + n / 2).next_power_of_two().max(16);
        let mut ids = FlowIds {
            slots: vec![Slot::default(); size],
            mask: size - 1,
        };
        // In blocks: the home slots of a block's ids are read first, the reads not waiting
        // for each other, so that placing the ids finds them in the cache.
        let mut block: Vec<(Slot, usize)> = Vec::with_capacity(PLACE_BLOCK);
        let mut i = first;
        while (i as usize) < entities.len() {
            block.clear();
            while block.len() < PLACE_BLOCK && (i as usize) < entities.len() {
                if entities.kind(i).is_flow() {
                    let key = lower(entities.id(i));
                    block.push((Slot::of(&key, i), ids.home(&key)));
                }
                i += 1;
            }
            touch_by(&ids.slots, block.iter().map(|&(_, home)| home), |s| {
                u64::from(s.len)
            });
            for &(slot, home) in &block {
                let mut at = home;
                while ids.slots[at].len != 0 {
                    at = (at + 1) & ids.mask;
                }
                ids.slots[at] = slot;
            }
        }
        ids
    }

    fn home(&self, key: &str) -> usize {
        let h = rustc_hash::FxBuildHasher.hash_one(key.as_bytes());
        // The hash's high bits: FxHash mixes them best.
        (h >> 32) as usize & self.mask
    }

    /// The flow entity whose id, at most `INLINE` bytes, is held as `want`, probing from
    /// slot `at`.
    fn find_short(&self, want: &Slot, mut at: usize) -> Option<u32> {
        loop {
            let s = &self.slots[at];
            if s.len == 0 {
                return None;
            }
            if s.same(want) {
                return Some(s.entity);
            }
            at = (at + 1) & self.mask;
        }
    }

    /// The flow entity whose id is `key` (lower case).
    fn find(&self, entities: &Entities, key: &str) -> Option<u32> {
        let want = Slot::of(key, 0);
        let mut at = self.home(key);
        loop {
            let s = &self.slots[at];
            if s.len == 0 {
                return None;
            }
            if s.len == want.len && s.key == want.key {
                let full = key.len() <= INLINE || lower(entities.id(s.entity)) == key;
                if full {
                    return Some(s.entity);
                }
            }
            at = (at + 1) & self.mask;
        }
    }
}

impl Slot {
    /// Whether the slot holds the key of `want`, a short key's slot (an empty slot holds none).
    fn same(&self, want: &Slot) -> bool {
        self.len != 0 && self.len == want.len && self.key == want.key
    }

    fn of(key: &str, entity: u32) -> Slot {
        let b = key.as_bytes();
        let mut s = Slot {
            key: [0; INLINE],
            len: b.len().min(255) as u8,
            entity,
        };
        let k = b.len().min(INLINE);
        s.key[..k].copy_from_slice(&b[..k]);
        s
    }
}
