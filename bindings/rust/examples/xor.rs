//! Trains a 2-8-1 network on XOR and prints its answers and accuracy.

use nerve::{Activation, Cost, Network, TrainOptions};

fn main() -> Result<(), nerve::Error> {
    let x = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
    let y = [0.0, 1.0, 1.0, 0.0];

    let mut net = Network::create(&[2, 8, 1], &[Activation::Tanh, Activation::Sigmoid], Cost::CrossEntropy, 7)?;
    // The whole set in each batch: plain gradient descent, with momentum.
    let options = TrainOptions { epochs: 500, batch_size: 4, learning_rate: 0.5, momentum: 0.9, ..Default::default() };
    net.train(&x, &y, &options)?;

    let out = net.predict(&x)?;
    let mut correct = 0;
    for (i, (&got, &want)) in out.iter().zip(y.iter()).enumerate() {
        println!("{} XOR {} -> {got:.3}", x[2 * i], x[2 * i + 1]);
        correct += usize::from(got.round() == want);
    }
    let accuracy = correct as f64 / y.len() as f64;
    println!("accuracy {accuracy:.2}");
    if accuracy < 1.0 {
        eprintln!("XOR not learned");
        std::process::exit(1);
    }
    Ok(())
}
