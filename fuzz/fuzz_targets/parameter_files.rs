//! Every parameter-file reader on the same arbitrary bytes: item parameters, item models,
//! anchors, Q-matrices, CDM item parameters, class proportions and answer keys.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pacer::data::{
    read_anchors, read_answer_key, read_cdm_item_parameters, read_class_proportions,
    read_item_models, read_item_parameters, read_qmatrix,
};
use pacer_fuzz::assert_explained;

fn ok_or_explained<T>(r: pacer::Result<T>) -> Option<T> {
    r.map_err(|e| assert_explained(&e)).ok()
}

fuzz_target!(|bytes: &[u8]| {
    if let Some(items) = ok_or_explained(read_item_parameters(bytes, "params.csv", 1.702)) {
        for it in &items {
            let p = &it.params;
            let numbers = p.d.iter().chain([&p.a1, &p.g, &p.u]);
            assert!(numbers.clone().all(|x| x.is_finite()), "{it:?}");
            assert!(
                p.a1 > 0.0 && p.g >= 0.0 && p.g < p.u && p.u <= 1.0,
                "{it:?}"
            );
        }
    }
    ok_or_explained(read_item_models(bytes, "models.csv"));
    ok_or_explained(read_anchors(bytes, "anchors.csv"));
    if let Some(q) = ok_or_explained(read_qmatrix(bytes, "Q.csv")) {
        assert!(q.n_attributes() >= 1);
    }
    for rows in [
        ok_or_explained(read_cdm_item_parameters(bytes, "cdm.csv")),
        ok_or_explained(read_class_proportions(bytes, "classes.csv")),
    ]
    .into_iter()
    .flatten()
    {
        for r in &rows {
            assert!((0.0..=1.0).contains(&r.value), "{r:?}");
        }
    }
    ok_or_explained(read_answer_key(bytes, "key.csv"));
});
