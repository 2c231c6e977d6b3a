//! Random choices that give the same numbers on 64-bit and on wasm32.
//!
//! `rand`'s `usize` ranges, `SliceRandom::shuffle`, `choose` and
//! `choose_multiple` draw `usize` values, which take different numbers from
//! the generator on a 32-bit target, so the same seed gave other demo data,
//! folds and simulations in the browser than natively. Everything here draws
//! `u64` ranges instead.

use rand::Rng;

/// A uniform index below `n` (`n` > 0).
pub fn index<R: Rng>(rng: &mut R, n: usize) -> usize {
    rng.gen_range(0..n.max(1) as u64) as usize
}

/// A uniform integer in `lo..=hi`.
pub fn between<R: Rng>(rng: &mut R, lo: usize, hi: usize) -> usize {
    rng.gen_range(lo as u64..=hi.max(lo) as u64) as usize
}

/// Fisher-Yates shuffle.
pub fn shuffle<T, R: Rng>(items: &mut [T], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = rng.gen_range(0..=i as u64) as usize;
        items.swap(i, j);
    }
}

/// One item, uniformly; `None` when there are none.
pub fn choose<'a, T, R: Rng>(rng: &mut R, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[index(rng, items.len())])
}

/// `n` distinct items in random order (all of them when `n` is larger).
pub fn choose_multiple<'a, T, R: Rng>(rng: &mut R, items: &'a [T], n: usize) -> Vec<&'a T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    shuffle(&mut order, rng);
    order.into_iter().take(n).map(|i| &items[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn shuffle_is_a_permutation_and_choices_stay_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut items: Vec<usize> = (0..50).collect();
        shuffle(&mut items, &mut rng);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(
            items, sorted,
            "50 items shuffled into their own order is (almost) impossible"
        );
        for _ in 0..200 {
            assert!(index(&mut rng, 7) < 7);
            let b = between(&mut rng, 2, 4);
            assert!((2..=4).contains(&b));
        }
        let picked = choose_multiple(&mut rng, &[1, 2, 3, 4], 3);
        assert_eq!(picked.len(), 3);
        assert!(choose::<u8, _>(&mut rng, &[]).is_none());
    }
}
