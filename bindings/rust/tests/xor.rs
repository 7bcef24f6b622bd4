use nerve::{Activation, Cost, Network, TrainOptions};

// The XOR truth table, one sample per row.
const X: [f32; 8] = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
const Y: [f32; 4] = [0.0, 1.0, 1.0, 0.0];

/// The settings of the C example (bindings/c/xor.c): 8 tanh hidden units, full-batch descent with momentum.
fn trained_xor() -> Network {
    let mut net =
        Network::create(&[2, 8, 1], &[Activation::Tanh, Activation::Sigmoid], Cost::CrossEntropy, 7).expect("create");
    let options = TrainOptions { epochs: 500, batch_size: 4, learning_rate: 0.5, momentum: 0.9, ..Default::default() };
    net.train(&X, &Y, &options).expect("train");
    net
}

#[test]
fn xor_is_learned() {
    let out = trained_xor().predict(&X).expect("predict");
    assert_eq!(out.len(), 4);
    for (i, (&got, &want)) in out.iter().zip(Y.iter()).enumerate() {
        assert_eq!(got.round(), want, "{} XOR {} predicted {got}", X[2 * i], X[2 * i + 1]);
    }
}

#[test]
fn saved_network_predicts_the_same_bits() {
    let net = trained_xor();
    let path = std::env::temp_dir().join(format!("nerve-rust-xor-{}.nerve", std::process::id()));
    net.save(&path).expect("save");
    let loaded = Network::load(&path);
    std::fs::remove_file(&path).ok();
    let loaded = loaded.expect("load");
    // Points off the training set too, so the whole function is compared.
    let x = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.25, 0.75, -3.0, 2.5, 0.5, 0.5];
    let before: Vec<u32> = net.predict(&x).unwrap().iter().map(|v| v.to_bits()).collect();
    let after: Vec<u32> = loaded.predict(&x).unwrap().iter().map(|v| v.to_bits()).collect();
    assert_eq!(before, after);
}

#[test]
fn library_defaults_fill_train_options() {
    // The defaults the header documents for nerve_train_options_init.
    let defaults = TrainOptions::default();
    assert_eq!((defaults.epochs, defaults.batch_size), (10, 10));
    assert_eq!((defaults.learning_rate, defaults.momentum, defaults.l2), (0.1, 0.0, 0.0));
}
