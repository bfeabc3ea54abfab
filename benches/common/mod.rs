//! The benchmark GAN shared by `train_step` and `compare`, and its PyTorch
//! twin in `torch_gan.py`: G and D both `1 → h → h → 1` with ReLU,
//! nn.Linear's initialisation, normal noise, a normal target, the
//! non-saturating loss, Adam(1e-3, β = (0.5, 0.999)) for both, k = 1.

use ganscope::gan::{Config, Trainer};

/// One benchmark size.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    /// Short name for tables and bench ids.
    pub name: &'static str,
    /// Samples per minibatch.
    pub batch: usize,
    /// Width of both hidden layers of both networks.
    pub hidden: usize,
    /// Threads both engines may use.
    pub threads: usize,
}

/// The sizes of issue 5: the lessons' networks on one thread, and a large
/// model on the machine's two cores.
pub const SIZES: [Size; 2] = [
    Size {
        name: "small",
        batch: 256,
        hidden: 32,
        threads: 1,
    },
    Size {
        name: "large",
        batch: 8192,
        hidden: 256,
        threads: 2,
    },
];

/// The benchmark GAN at `size`, seeded.
pub fn trainer(size: Size) -> Trainer {
    let h = size.hidden;
    let toml = format!(
        r#"
target = "normal(2, 0.5)"
prior = "normal"
latent_dim = 1
g_hidden = [{h}, {h}]
d_hidden = [{h}, {h}]
activation = "relu"
loss = "non_saturating"
optimizer = "adam"
lr_d = 1e-3
lr_g = 1e-3
beta1 = 0.5
beta2 = 0.999
k = 1
k_g = 1
batch = {batch}
seed = 1
steps = 1000000000
"#,
        batch = size.batch
    );
    let config = Config::from_toml_str(&toml).expect("benchmark config parses");
    Trainer::new(config).expect("benchmark config is valid")
}

/// A rayon pool with `size.threads` threads, in which the native engine
/// splits its large products.
pub fn pool(size: Size) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(size.threads)
        .build()
        .expect("rayon pool")
}
