//! afl.rs target `model_json`: see tests/fuzz/targets.rs.

#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::model_json(data);
    });
}
