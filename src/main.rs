use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(ganscope::cli::main_with(std::env::args_os()))
}
