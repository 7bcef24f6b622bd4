use nerve::sys::{self, nerve_status};
use nerve::{Activation, Cost, Network};

fn small_network() -> Network {
    Network::create(&[2, 3, 1], &[Activation::Sigmoid, Activation::Sigmoid], Cost::Quadratic, 1).expect("create")
}

fn numbers_in(message: &str) -> Vec<u64> {
    let mut numbers: Vec<u64> = message
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap())
        .collect();
    numbers.sort_unstable();
    numbers
}

#[test]
fn wrong_size_predict_gives_the_library_message() {
    let net = small_network();
    // 3 samples of one output need 3 floats: a buffer of 2 is short, and the message quotes both numbers.
    let mut out = [0.0f32; 2];
    let error = net.predict_into(&[0.0; 6], &mut out).unwrap_err();
    assert_eq!(error.status, sys::NERVE_E_CAPACITY);
    assert_eq!(numbers_in(&error.message), vec![2, 3], "message: {}", error.message);
    assert!(error.to_string().contains(&error.message));
    assert_eq!(out, [0.0, 0.0], "a failed call leaves its output alone");
}

#[test]
fn refused_pairs_and_missing_files_are_errors() {
    let refused = Network::create(&[2, 1], &[Activation::Softmax], Cost::CrossEntropy, 1).err().unwrap();
    assert_eq!(refused.status, sys::NERVE_E_UNSUPPORTED);
    assert!(!refused.message.is_empty());

    let missing = Network::load("/nonexistent-directory/model.nerve").err().unwrap();
    assert_eq!(missing.status, sys::NERVE_E_IO);
    assert!(missing.message.contains("/nonexistent-directory/model.nerve"), "message: {}", missing.message);
}

#[test]
fn status_codes_share_one_signed_type() {
    // Compiles only if NERVE_OK and NERVE_E_INVALID have the very same type, and that type is nerve_status.
    let codes: [nerve_status; 2] = [sys::NERVE_OK, sys::NERVE_E_INVALID];
    // Fails to compile if that type is unsigned: the negation of a constant in an unsigned type is refused.
    const _SIGNED: nerve_status = -sys::NERVE_E_INVALID;
    assert_eq!(codes, [0, -1]);
    assert!(codes[1] < codes[0]);
}
