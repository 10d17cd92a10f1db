//! afl.rs target `parser`: see tests/fuzz/targets.rs.

#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::parser(&String::from_utf8_lossy(data));
    });
}
