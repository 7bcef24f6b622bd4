/// What one sample looks like between two layers: channels × height × width, row-major within a channel and
/// channel after channel. A dense layer's vector of n values is n × 1 × 1.
public struct Shape: Equatable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int = 1, width: Int = 1) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Values per sample; nil if the product overflows.
    public var count: Int? {
        let hw = height.multipliedReportingOverflow(by: width)
        let chw = channels.multipliedReportingOverflow(by: hw.partialValue)
        return hw.overflow || chw.overflow ? nil : chw.partialValue
    }

    public var description: String {
        height == 1 && width == 1 ? "\(channels)" : "\(channels)×\(height)×\(width)"
    }
}

/// Kinds of layer. Raw values are the C enum's (NERVE_LAYER_*) and the model file's.
public enum LayerKind: Int32, CaseIterable, Sendable {
    case dense = 0
    case conv2D
    case maxPool2D
    case meanPool2D

    var isPooling: Bool { self == .maxPool2D || self == .meanPool2D }
}

/// How a convolution treats the border. Raw values are the C enum's (NERVE_PADDING_*).
public enum Padding: Int32, CaseIterable, Sendable {
    /// Windows lie wholly inside the input: out = ⌊(in − k) / s⌋ + 1.
    case valid = 0
    /// Zeros around the input so that out = ⌈in / s⌉, split as TensorFlow and Keras do (the extra row or
    /// column, if any, at the bottom and right).
    case same
}

/// A window's extent and step along one axis, and the zeros added before it.
public struct Window: Equatable, Sendable {
    public var height: Int, width: Int
    public var strideHeight: Int, strideWidth: Int
    public var padding: Padding

    public init(height: Int, width: Int, strideHeight: Int, strideWidth: Int, padding: Padding) {
        self.height = height
        self.width = width
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padding = padding
    }

    /// A dense layer's: one position, nothing around it.
    public static let none = Window(height: 1, width: 1, strideHeight: 1, strideWidth: 1, padding: .valid)

    /// Output extent along an axis of `size` values, or nil if the window does not fit.
    static func outputs(_ size: Int, window: Int, stride: Int, padding: Padding) -> Int? {
        guard size >= 1, window >= 1, stride >= 1 else { return nil }
        switch padding {
        case .valid: return window <= size ? (size - window) / stride + 1 : nil
        case .same: return divideRoundingUp(size, stride)
        }
    }

    /// Zeros before the first value along an axis (TensorFlow's split: the smaller half first).
    static func leadingPad(_ size: Int, window: Int, stride: Int, padding: Padding) -> Int {
        guard padding == .same, let out = outputs(size, window: window, stride: stride, padding: padding) else { return 0 }
        return max((out - 1) * stride + window - size, 0) / 2
    }
}

/// One description of a layer, used alike by construction, the model file and the C API: its kind, the shape
/// it reads, the shape it writes, its activation (with its slope, for leaky ReLU) and, for convolution and
/// pooling, its window. A new kind of layer is a new `LayerKind`, a new file conforming to `Layer`, and a case
/// in `makeLayer`.
public struct LayerSpec: Equatable, Sendable {
    public var kind: LayerKind
    public var input: Shape
    public var output: Shape
    public var activation: Activation
    public var window: Window
    /// Leaky ReLU's slope below zero, in (0, 1); 0 for every other activation. Kept resolved, so two specs
    /// that compute alike compare equal.
    public var negativeSlope: Float

    /// `negativeSlope` nil takes the activation's default: `Activation.defaultNegativeSlope` for leaky ReLU.
    public init(kind: LayerKind, input: Shape, output: Shape, activation: Activation, window: Window = .none,
                negativeSlope: Float? = nil) {
        self.kind = kind
        self.input = input
        self.output = output
        self.activation = activation
        self.window = window
        self.negativeSlope = negativeSlope ?? (activation == .leakyRelu ? Activation.defaultNegativeSlope : 0)
    }

    /// A fully connected layer from `inputs` values to `outputs` units.
    public static func dense(inputs: Int, outputs: Int, activation: Activation,
                             negativeSlope: Float? = nil) -> LayerSpec {
        dense(input: Shape(channels: inputs), outputs: outputs, activation: activation, negativeSlope: negativeSlope)
    }

    /// A fully connected layer reading any shape as a flat vector (channel after channel, row after row).
    public static func dense(input: Shape, outputs: Int, activation: Activation,
                             negativeSlope: Float? = nil) -> LayerSpec {
        LayerSpec(kind: .dense, input: input, output: Shape(channels: outputs), activation: activation,
                  negativeSlope: negativeSlope)
    }

    /// A convolution of `filters` kernels of window.height × window.width × input.channels, or a pooling layer
    /// (`filters` ignored: pooling keeps the channels). The output shape follows from the input and window;
    /// throws if the window does not fit.
    public static func windowed(_ kind: LayerKind, input: Shape, filters: Int = 0, window: Window,
                                activation: Activation = .linear, negativeSlope: Float? = nil) throws -> LayerSpec {
        guard kind != .dense else { throw NerveError.invalid("a dense layer has no window") }
        guard let height = Window.outputs(input.height, window: window.height, stride: window.strideHeight,
                                          padding: window.padding),
              let width = Window.outputs(input.width, window: window.width, stride: window.strideWidth,
                                         padding: window.padding) else {
            throw NerveError.size(windowProblem(input: input, window: window) ?? "the window does not fit")
        }
        let channels = kind == .conv2D ? filters : input.channels
        return LayerSpec(kind: kind, input: input, output: Shape(channels: channels, height: height, width: width),
                         activation: activation, window: window, negativeSlope: negativeSlope)
    }

    /// The layer a user describes by its kind and numbers, reading `input`: `units` outputs (dense) or
    /// filters (convolution; ignored by pooling); a stride of 0 takes the kind's default, 1 for a convolution
    /// and the window's extent for pooling; pooling has no activation; a nil slope is the activation's default.
    /// Throws if the numbers do not fit.
    public static func make(_ kind: LayerKind, input: Shape, units: Int, windowHeight: Int = 0, windowWidth: Int = 0,
                            strideHeight: Int = 0, strideWidth: Int = 0, padding: Padding = .valid,
                            activation: Activation, negativeSlope: Float? = nil) throws -> LayerSpec {
        guard kind != .dense else {
            guard units >= 1, units <= Network.maxLayerWidth else {
                throw NerveError.size("a dense layer has 1 to \(Network.maxLayerWidth) units, not \(units)")
            }
            return .dense(input: input, outputs: units, activation: activation, negativeSlope: negativeSlope)
        }
        if kind == .conv2D {
            guard units >= 1, units <= Network.maxLayerWidth else {
                throw NerveError.size("a convolution has 1 to \(Network.maxLayerWidth) filters, not \(units)")
            }
        }
        let window = Window(height: windowHeight, width: windowWidth,
                            strideHeight: strideHeight != 0 ? strideHeight : kind.isPooling ? windowHeight : 1,
                            strideWidth: strideWidth != 0 ? strideWidth : kind.isPooling ? windowWidth : 1,
                            padding: padding)
        return try windowed(kind, input: input, filters: units, window: window,
                            activation: kind.isPooling ? .linear : activation,
                            negativeSlope: kind.isPooling ? nil : negativeSlope)
    }

    /// Why `window` cannot slide over `input`, or nil if it can.
    static func windowProblem(input: Shape, window: Window) -> String? {
        let limit = Network.maxLayerWidth
        for (name, value) in [("window height", window.height), ("window width", window.width),
                              ("vertical stride", window.strideHeight), ("horizontal stride", window.strideWidth)] {
            guard value >= 1, value <= limit else { return "the \(name) must be 1 to \(limit), not \(value)" }
        }
        if window.padding == .valid, window.height > input.height || window.width > input.width {
            return "a \(window.height)×\(window.width) window does not fit in a \(input.height)×\(input.width) input without padding"
        }
        return nil
    }

    /// The most values a convolution's patch matrix (window values × output positions) may hold, so the
    /// working memory of one sample stays within 256 MiB.
    public static let maxPatchMatrix = 1 << 26

    /// Why `negativeSlope` does not suit `activation`, or nil if it does. The slope must stay above 0, where
    /// backpropagation can tell the side of the kink from the output's sign, and below 1.
    static func slopeProblem(activation: Activation, negativeSlope: Float) -> String? {
        if activation == .leakyRelu {
            return negativeSlope > 0 && negativeSlope < 1 ? nil
                : "a leaky ReLU's negative slope must be above 0 and below 1, not \(negativeSlope)"
        }
        return negativeSlope == 0 ? nil
            : "only a leaky_relu layer has a negative slope, not a \(activation.name) one (\(negativeSlope))"
    }

    /// Checks the spec's own consistency and limits, then builds the layer.
    package func makeLayer() throws -> any Layer {
        if let problem = LayerSpec.slopeProblem(activation: activation, negativeSlope: negativeSlope) {
            throw NerveError.invalid(problem)
        }
        for (name, shape) in [("input", input), ("output", output)] {
            guard shape.channels >= 1, shape.height >= 1, shape.width >= 1, let count = shape.count,
                  count <= Network.maxLayerWidth else {
                throw NerveError.size("the \(name) shape \(shape) must have 1 to \(Network.maxLayerWidth) values")
            }
        }
        switch kind {
        case .dense:
            guard window == .none else { throw NerveError.invalid("a dense layer has no window") }
            guard output.height == 1, output.width == 1 else {
                throw NerveError.size("a dense layer's output is a vector, not \(output)")
            }
            return DenseLayer(self)
        case .conv2D, .maxPool2D, .meanPool2D:
            if let problem = LayerSpec.windowProblem(input: input, window: window) { throw NerveError.size(problem) }
            if kind.isPooling {
                guard window.padding == .valid else { throw NerveError.unsupported("pooling takes valid padding only") }
                guard activation == .linear else {
                    throw NerveError.unsupported("a pooling layer has no activation (linear), not \(activation.name)")
                }
            }
            let expected = try LayerSpec.windowed(kind, input: input, filters: output.channels, window: window,
                                                  activation: activation, negativeSlope: negativeSlope)
            guard expected.output == output else {
                throw NerveError.size("a \(kind.name) layer on \(input) with this window gives \(expected.output), not \(output)")
            }
            if kind == .conv2D {
                let (k, overflow) = input.channels.multipliedReportingOverflow(by: window.height * window.width)
                guard !overflow, k <= Network.maxLayerWidth else {
                    throw NerveError.size("a convolution's kernel would hold more than \(Network.maxLayerWidth) weights per filter")
                }
                let (lowered, tooMany) = k.multipliedReportingOverflow(by: output.height * output.width)
                guard !tooMany, lowered <= LayerSpec.maxPatchMatrix else {
                    throw NerveError.size("a convolution's patch matrix (\(k) window values × \(output.height * output.width) positions) would exceed \(LayerSpec.maxPatchMatrix) values")
                }
                return ConvolutionLayer(self)
            }
            return PoolingLayer(self)
        }
    }
}

extension LayerKind {
    var name: String { "\(identifier)" }
}
