use crate::sys;

/// Cost of the output layer: Quadratic with any output activation, CrossEntropy with Sigmoid outputs,
/// LogLikelihood with Softmax outputs, Poisson with Exp outputs (other pairs are refused when the network is
/// created).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cost {
    Quadratic,
    CrossEntropy,
    LogLikelihood,
    Poisson,
}

impl Cost {
    pub fn raw(self) -> sys::nerve_cost_function {
        match self {
            Cost::Quadratic => sys::NERVE_COST_QUADRATIC,
            Cost::CrossEntropy => sys::NERVE_COST_CROSS_ENTROPY,
            Cost::LogLikelihood => sys::NERVE_COST_LOG_LIKELIHOOD,
            Cost::Poisson => sys::NERVE_COST_POISSON,
        }
    }
}
