//! Criterion benches of one training step (one D update, one G update) of
//! the benchmark GAN at both sizes; see `common` and `compare` for the
//! side-by-side table against PyTorch.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

mod common;

fn train_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("train step");
    for size in common::SIZES {
        let pool = common::pool(size);
        let mut trainer = common::trainer(size);
        pool.install(|| trainer.run(10));
        if size.name == "large" {
            group.sample_size(10);
        }
        let id = format!(
            "{} (batch {}, hidden {}, {} thread{})",
            size.name,
            size.batch,
            size.hidden,
            size.threads,
            if size.threads == 1 { "" } else { "s" }
        );
        group.bench_function(id, |b| {
            b.iter(|| pool.install(|| black_box(trainer.step())))
        });
    }
    group.finish();
}

criterion_group!(benches, train_step);
criterion_main!(benches);
