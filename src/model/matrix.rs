//! A dense row-major matrix of `f64`: the forest's and the encoders' input.

use serde::{Deserialize, Serialize};

/// Row-major dense matrix. Invariant: `data.len() == n_rows * n_cols`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    n_rows: usize,
    n_cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// Builds a matrix from row-major data; `None` when the length is wrong.
    pub fn new(n_rows: usize, n_cols: usize, data: Vec<f64>) -> Option<Matrix> {
        (n_rows.checked_mul(n_cols)? == data.len()).then_some(Matrix {
            n_rows,
            n_cols,
            data,
        })
    }

    /// Builds a matrix from rows; `None` when the rows differ in length.
    pub fn from_rows(rows: &[Vec<f64>]) -> Option<Matrix> {
        let n_cols = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|row| row.len() != n_cols) {
            return None;
        }
        let data = rows.iter().flatten().copied().collect();
        Matrix::new(rows.len(), n_cols, data)
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// The row at `row_idx`. Panics on an out-of-range index (a bug, not user data).
    pub fn row(&self, row_idx: usize) -> &[f64] {
        &self.data[row_idx * self.n_cols..(row_idx + 1) * self.n_cols]
    }

    pub fn get(&self, row_idx: usize, col_idx: usize) -> f64 {
        self.data[row_idx * self.n_cols + col_idx]
    }

    pub fn rows(&self) -> impl Iterator<Item = &[f64]> {
        // `max(1)` keeps `chunks` valid for a matrix with no columns.
        self.data.chunks(self.n_cols.max(1)).take(self.n_rows)
    }

    /// A new matrix with the chosen rows, in that order.
    pub fn select_rows(&self, row_indices: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(row_indices.len() * self.n_cols);
        for &row_idx in row_indices {
            data.extend_from_slice(self.row(row_idx));
        }
        Matrix {
            n_rows: row_indices.len(),
            n_cols: self.n_cols,
            data,
        }
    }

    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_rows_refuses_ragged_rows() {
        assert!(Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0]]).is_none());
    }

    #[test]
    fn select_rows_keeps_order() {
        let m = Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]).unwrap();
        let s = m.select_rows(&[2, 0]);
        assert_eq!(s.row(0), &[5.0, 6.0]);
        assert_eq!(s.row(1), &[1.0, 2.0]);
        assert_eq!(m.rows().count(), 3);
    }
}
