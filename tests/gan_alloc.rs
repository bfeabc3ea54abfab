//! No heap allocation per step in steady state: a counting allocator
//! around `Trainer::step` for every loss with every trick on.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use ganscope::gan::{Config, LossKind, Trainer};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
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
        let before = ALLOCS.load(Ordering::SeqCst);
        for _ in 0..20 {
            std::hint::black_box(t.step());
        }
        t.step_d();
        t.step_g();
        let n = ALLOCS.load(Ordering::SeqCst) - before;
        assert_eq!(n, 0, "{loss}: {n} allocations in 22 steps");
    }
}
