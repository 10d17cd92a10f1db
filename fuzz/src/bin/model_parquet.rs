//! afl.rs target `model_parquet`: see tests/fuzz/targets.rs.

#[path = "../../../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        targets::model_parquet(data);
    });
}
