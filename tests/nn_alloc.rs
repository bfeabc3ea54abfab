//! The training hot loop must not touch the heap: forward, backward (with
//! input gradient), input gradient, double backward, gradient arithmetic and
//! every optimizer step, once the workspace and buffers exist.
//!
//! A counting global allocator counts allocations made *by this thread*
//! (a thread-local counter, so the test harness's own threads do not
//! interfere).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ganscope::nn::{Activation, Init, Mlp, Optimizer, OptimizerConfig, OptimizerKind};
use rand::SeedableRng;

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // try_with: the thread-local may already be gone during thread exit.
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCS.with(|n| n.get())
}

#[test]
fn hot_loop_does_not_allocate() {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(1);
    // Wide enough (and batch large enough) that nalgebra's gemm would
    // dispatch to matrixmultiply, which allocates per call.
    let in_dim = 2;
    let batch = 64;
    let mut d: Mlp<f32> = Mlp::new(
        &[in_dim, 32, 32, 1],
        Activation::Tanh,
        Init::Default,
        &mut rng,
    )
    .unwrap();
    let x: Vec<f32> = (0..in_dim * batch)
        .map(|i| (i as f32 * 0.1).sin())
        .collect();
    let dout = vec![1.0_f32 / batch as f32; batch];
    let mut dx = vec![0.0_f32; in_dim * batch];
    let mut g_in = vec![0.0_f32; in_dim * batch];
    let mut ws = d.workspace(batch);
    let mut grads = d.zero_grads();
    let mut penalty = d.zero_grads();
    let mut opts: Vec<Optimizer<f32>> = OptimizerKind::ALL
        .iter()
        .map(|&kind| {
            Optimizer::new(
                OptimizerConfig {
                    kind,
                    ..Default::default()
                },
                &d,
            )
            .unwrap()
        })
        .collect();

    let before = allocations();
    for opt in &mut opts {
        for _ in 0..3 {
            grads.zero();
            penalty.zero();
            d.forward(&mut ws, &x);
            d.backward(&mut ws, &dout, &mut grads, Some(&mut dx));
            d.input_grad(&mut ws, &mut g_in);
            d.double_backward(&mut ws, &g_in, &mut penalty);
            grads.add_scaled(0.1, &penalty);
            grads += &penalty;
            grads.scale(0.5);
            assert!(grads.norm().is_finite());
            opt.step(&mut d, &grads);
            opt.set_lr(1e-4).unwrap();
        }
    }
    let count = allocations() - before;
    assert_eq!(count, 0, "the hot loop allocated {count} times");

    // The counter works: an allocating call is seen.
    let before = allocations();
    let _ = d.params_flat();
    assert!(allocations() > before);
}
