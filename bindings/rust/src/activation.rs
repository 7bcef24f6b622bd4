use crate::sys;

/// Activation of a layer's units. Leaky ReLU has slope 0.01 below zero; Step can predict but not train; Exp is
/// the output of Poisson regression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Linear,
    Softmax,
    Step,
    Exp,
}

impl Activation {
    pub fn raw(self) -> sys::nerve_activation {
        match self {
            Activation::Sigmoid => sys::NERVE_ACT_SIGMOID,
            Activation::Tanh => sys::NERVE_ACT_TANH,
            Activation::Relu => sys::NERVE_ACT_RELU,
            Activation::LeakyRelu => sys::NERVE_ACT_LEAKY_RELU,
            Activation::Linear => sys::NERVE_ACT_LINEAR,
            Activation::Softmax => sys::NERVE_ACT_SOFTMAX,
            Activation::Step => sys::NERVE_ACT_STEP,
            Activation::Exp => sys::NERVE_ACT_EXP,
        }
    }
}
