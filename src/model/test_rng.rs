//! The random numbers of the unit tests: xorshift64, the same sequence on every run.

// A number below a slice's length, or below 256, fits its type.
#![allow(clippy::cast_possible_truncation)]

pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from `seed` (made odd: zero would stay zero).
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `m`.
    pub(crate) fn below(&mut self, m: u64) -> u64 {
        self.next() % m
    }

    /// One of `xs` (not empty).
    pub(crate) fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    pub(crate) fn byte(&mut self) -> u8 {
        self.below(256) as u8
    }
}
