//! Networks small enough to differentiate on paper; the expected numbers are
//! derived in the comments (values rounded to the printed digits).

use crate::nn::{Activation, Mlp};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

fn assert_all_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w), "{what}: got {got:?}, want {want:?}");
    }
}

/// `out = w x + b` with `w = 2`, `b = −1`.
///
/// - `x = [0.5, 3]` → `out = [0, 5]`.
/// - `backward` with `dout = [1, 2]`: `∂L/∂w = 1·0.5 + 2·3 = 6.5`,
///   `∂L/∂b = 1 + 2 = 3`, `∂L/∂x = [2·1, 2·2] = [2, 4]`.
/// - `∂out/∂x = w = 2` for both samples.
/// - Penalty `P = Σ_s g_s²` with `g_s = w`: `P = 2 w²`, `∂P/∂w = 4 w = 8`,
///   `∂P/∂b = 0`; `double_backward` receives `∂P/∂g_s = 2 g_s = 4`.
#[test]
fn linear_one_to_one() {
    let mlp = Mlp::from_params(&[1, 1], Activation::Tanh, &[2.0, -1.0]).unwrap();
    let mut ws = mlp.workspace(2);
    assert_eq!(mlp.forward(&mut ws, &[0.5, 3.0]), &[0.0, 5.0]);

    let mut grads = mlp.zero_grads();
    let mut dx = [0.0; 2];
    mlp.backward(&mut ws, &[1.0, 2.0], &mut grads, Some(&mut dx));
    assert_eq!(grads.to_flat(), vec![6.5, 3.0]);
    assert_eq!(dx, [2.0, 4.0]);

    let mut g = [0.0; 2];
    mlp.input_grad(&mut ws, &mut g);
    assert_eq!(g, [2.0, 2.0]);

    let mut pgrads = mlp.zero_grads();
    mlp.double_backward(&mut ws, &[4.0, 4.0], &mut pgrads);
    assert_eq!(pgrads.to_flat(), vec![8.0, 0.0]);
}

/// A 1→2→1 tanh network:
/// `W₁ = [1, −2]ᵀ`, `b₁ = [0, 0.5]`, `W₂ = [3, 1]`, `b₂ = −1`,
/// flat `[1, −2, 0, 0.5, 3, 1, −1]`, input `x = 0.5`.
///
/// Forward: `z₁ = [0.5, −0.5]`, `a₁ = [t, −t]` with
/// `t = tanh 0.5 = 0.46211715726000974`, `out = 3t − t − 1 = 2t − 1
/// = −0.07576568547998053`.
///
/// Backward for `L = out` (`δ₂ = 1`), with `s = 1 − t² = 0.7864477329659274`:
/// `∂W₂ = a₁ᵀ = [t, −t]`, `∂b₂ = 1`, `δ₁ = s ⊙ W₂ᵀ = [3s, s]`,
/// `∂W₁ = δ₁ x = [1.5s, 0.5s]`, `∂b₁ = [3s, s]`,
/// `∂out/∂x = W₁ᵀ δ₁ = 3s − 2s = s`.
///
/// Penalty `P = g²` with `g = Σ_i W₂ᵢ f'(z_i) W₁ᵢ` and `f''(z) = −2 tanh z (1 − tanh² z)`,
/// so `f''(0.5) = −2ts`, `f''(−0.5) = 2ts`, and `∂P/∂θ = 2g ∂g/∂θ` with `g = s`:
/// - `∂g/∂W₁ᵢ = W₂ᵢ (f''(z_i) x W₁ᵢ + f'(z_i))` = `[3s(1 − t), s(1 − 2t)]`
/// - `∂g/∂b₁ᵢ = W₂ᵢ W₁ᵢ f''(z_i)` = `[−6ts, −4ts]`
/// - `∂g/∂W₂ᵢ = f'(z_i) W₁ᵢ` = `[s, −2s]`, `∂g/∂b₂ = 0`.
#[test]
fn tanh_one_two_one() {
    let mlp = Mlp::from_params(
        &[1, 2, 1],
        Activation::Tanh,
        &[1.0, -2.0, 0.0, 0.5, 3.0, 1.0, -1.0],
    )
    .unwrap();
    let t: f64 = 0.462_117_157_260_009_74;
    let s = 1.0 - t * t;
    let mut ws = mlp.workspace(1);
    let out = mlp.forward(&mut ws, &[0.5])[0];
    assert!(close(out, -0.075_765_685_479_980_53), "out = {out}");

    let mut grads = mlp.zero_grads();
    let mut dx = [0.0];
    mlp.backward(&mut ws, &[1.0], &mut grads, Some(&mut dx));
    assert_all_close(
        &grads.to_flat(),
        &[1.5 * s, 0.5 * s, 3.0 * s, s, t, -t, 1.0],
        "∂out/∂θ",
    );
    assert!(close(dx[0], 0.786_447_732_965_927_4), "dx = {dx:?}");

    let mut g = [0.0];
    mlp.input_grad(&mut ws, &mut g);
    assert!(close(g[0], s));

    let mut pgrads = mlp.zero_grads();
    mlp.double_backward(&mut ws, &[2.0 * g[0]], &mut pgrads);
    let two_g = 2.0 * s;
    assert_all_close(
        &pgrads.to_flat(),
        &[
            two_g * 3.0 * s * (1.0 - t),
            two_g * s * (1.0 - 2.0 * t),
            two_g * (-6.0 * t * s),
            two_g * (-4.0 * t * s),
            two_g * s,
            two_g * (-2.0 * s),
            0.0,
        ],
        "∂P/∂θ",
    );
    // The same numbers, evaluated once by hand (guards the formulas above).
    assert!(close(pgrads.to_flat()[0], 1.996_083_347_808_746_7));
    assert!(close(pgrads.to_flat()[2], -3.429_833_744_629_466));
}
