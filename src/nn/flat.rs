//! The flat parameter order shared by [`Mlp`](super::Mlp) and
//! [`Grads`](super::Grads): layer by layer, each weight matrix row-major
//! (PyTorch's `state_dict` order), then its bias; then a projection head's
//! embeddings class by class (its storage order: column c is `e_c`).

use nalgebra::{DMatrix, DVector, RealField};

use super::NnError;

/// Every entry of the layers, in the flat order.
pub(super) fn to_flat<T: RealField + Copy>(
    weights: &[DMatrix<T>],
    biases: &[DVector<T>],
    embed: Option<&DMatrix<T>>,
) -> Vec<T> {
    let len = weights.iter().map(|w| w.len()).sum::<usize>()
        + biases.iter().map(|b| b.len()).sum::<usize>()
        + embed.map_or(0, |e| e.len());
    let mut out = Vec::with_capacity(len);
    for (w, b) in weights.iter().zip(biases) {
        for i in 0..w.nrows() {
            out.extend(w.row(i).iter().copied());
        }
        out.extend(b.iter().copied());
    }
    if let Some(e) = embed {
        out.extend_from_slice(e.as_slice());
    }
    out
}

/// Overwrite every entry of the layers from `flat`, in the flat order.
///
/// # Errors
/// [`NnError::ParamCount`] when `flat` has the wrong length; nothing is written then.
pub(super) fn set_from_flat<T: RealField + Copy>(
    weights: &mut [DMatrix<T>],
    biases: &mut [DVector<T>],
    embed: Option<&mut DMatrix<T>>,
    flat: &[T],
) -> Result<(), NnError> {
    let expected = weights.iter().map(|w| w.len()).sum::<usize>()
        + biases.iter().map(|b| b.len()).sum::<usize>()
        + embed.as_ref().map_or(0, |e| e.len());
    if flat.len() != expected {
        return Err(NnError::ParamCount {
            expected,
            got: flat.len(),
        });
    }
    let mut it = flat.iter().copied();
    for (w, b) in weights.iter_mut().zip(biases.iter_mut()) {
        for i in 0..w.nrows() {
            for j in 0..w.ncols() {
                w[(i, j)] = it.next().expect("length checked above");
            }
        }
        for bi in b.iter_mut() {
            *bi = it.next().expect("length checked above");
        }
    }
    if let Some(e) = embed {
        for ei in e.iter_mut() {
            *ei = it.next().expect("length checked above");
        }
    }
    Ok(())
}
