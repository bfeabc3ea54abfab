//! No heap allocation per step in steady state: a counting allocator
//! around `Trainer::step` for every loss with every trick on.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use ganscope::gan::{Config, LossKind, Trainer};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Count only on the measuring thread: the test harness's own threads
    // allocate at times of their choosing. A const-initialised Cell needs no
    // allocation to access.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.with(|c| c.get()) {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
    }
}

/// Count the allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCS.load(Ordering::SeqCst);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCS.load(Ordering::SeqCst) - before
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn steps_do_not_allocate() {
    for &loss in LossKind::ALL {
        let c = Config {
            loss,
            batch: 64,
            instance_noise: 0.2,
            r1: 1.0,
            pack: 2,
            label_smoothing: 0.1,
            target: "0.5*normal(-2, 0.3) + 0.5*laplace(2, 0.5)".into(),
            ..Config::default()
        };
        let mut t = Trainer::new(c).unwrap();
        t.run(3); // warm up
        let n = allocations(|| {
            for _ in 0..20 {
                std::hint::black_box(t.step());
            }
            t.step_d();
            t.step_g();
        });
        assert_eq!(n, 0, "{loss}: {n} allocations in 22 steps");
    }
    // Conditional runs, in every conditioning mode, with every penalty.
    for &conditioning in ganscope::gan::Conditioning::ALL {
        for loss in [LossKind::NonSaturating, LossKind::WganGp] {
            let c = Config {
                loss,
                conditioning,
                batch: 64,
                r1: 1.0,
                pack: 2,
                target: "classes(normal(-2, 0.3), laplace(2, 0.5), normal(5, 1))".into(),
                ..Config::default()
            };
            let mut t = Trainer::new(c).unwrap();
            t.run(3);
            let n = allocations(|| {
                for _ in 0..20 {
                    std::hint::black_box(t.step());
                }
            });
            assert_eq!(n, 0, "{conditioning} {loss}: {n} allocations in 20 steps");
        }
    }
    // Every update rule, and the Dirac-GAN's players.
    for rule in ["simultaneous", "extragradient", "optimistic", "consensus"] {
        for dirac in [false, true] {
            let mut c = Config {
                batch: 64,
                r1: 1.0,
                instance_noise: 0.2,
                target: "0.5*normal(-2, 0.3) + 0.5*laplace(2, 0.5)".into(),
                ..Config::default()
            };
            c.set("update", rule).unwrap();
            if dirac {
                c.set("g_model", "constant").unwrap();
                c.set("d_model", "linear").unwrap();
                c.set("noise_draws", "stratified").unwrap();
            }
            let mut t = Trainer::new(c).unwrap();
            t.run(3);
            let n = allocations(|| {
                for _ in 0..10 {
                    std::hint::black_box(t.step());
                }
            });
            assert_eq!(n, 0, "{rule} (dirac {dirac}): {n} allocations in 10 steps");
        }
    }
    // Every update rule on a conditional run (consensus's cross gradients
    // through one-hot columns and a projection head, and WGAN-GP's).
    for rule in ["simultaneous", "extragradient", "optimistic", "consensus"] {
        for conditioning in ["concat", "projection"] {
            let mut c = Config {
                loss: LossKind::WganGp,
                batch: 64,
                pack: 2,
                target: "classes(normal(-2, 0.3), laplace(2, 0.5))".into(),
                ..Config::default()
            };
            c.set("update", rule).unwrap();
            c.set("conditioning", conditioning).unwrap();
            let mut t = Trainer::new(c).unwrap();
            t.run(3);
            let n = allocations(|| {
                for _ in 0..10 {
                    std::hint::black_box(t.step());
                }
            });
            assert_eq!(n, 0, "{rule} {conditioning}: {n} allocations in 10 steps");
        }
    }
    // The counter does count.
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 10]))) > 0);
}
