use std::process::ExitCode;

fn main() -> ExitCode {
    // Mesa's software rasteriser (llvmpipe: Xvfb, a machine without a GPU)
    // starts one rendering thread per core besides the window's own. The
    // training thread needs one core and the window's thread another, so
    // on two cores those threads only take turns with training: measured
    // at 1600 × 1000 under Xvfb on 2 cores, 4 300–4 900 steps/s at 61–66
    // fps with them, 5 800–6 300 steps/s at 65–68 fps without. Leave them
    // the cores beyond two, unless the user chose. Hardware drivers ignore
    // the variable.
    if std::env::var_os("LP_NUM_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: no other thread exists yet.
        unsafe { std::env::set_var("LP_NUM_THREADS", cores.saturating_sub(2).to_string()) };
    }
    ExitCode::from(ganscope::cli::main_with(std::env::args_os()))
}
