fn main() {
    std::process::exit(supplygraph::cli::main());
}
