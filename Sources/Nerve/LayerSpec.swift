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
}

/// One description of a layer, used alike by construction, the model file and the C API: its kind, the shape
/// it reads, the shape it writes, its activation and the fields of its kind. A new kind of layer is a new
/// `LayerKind`, a new file conforming to `Layer`, and a case in `makeLayer`.
public struct LayerSpec: Equatable, Sendable {
    public var kind: LayerKind
    public var input: Shape
    public var output: Shape
    public var activation: Activation

    public init(kind: LayerKind, input: Shape, output: Shape, activation: Activation) {
        self.kind = kind
        self.input = input
        self.output = output
        self.activation = activation
    }

    /// A fully connected layer from `inputs` values to `outputs` units.
    public static func dense(inputs: Int, outputs: Int, activation: Activation) -> LayerSpec {
        LayerSpec(kind: .dense, input: Shape(channels: inputs), output: Shape(channels: outputs),
                  activation: activation)
    }

    /// Checks the spec's own consistency and limits, then builds the layer.
    package func makeLayer() throws -> any Layer {
        for (name, shape) in [("input", input), ("output", output)] {
            guard shape.channels >= 1, shape.height >= 1, shape.width >= 1, let count = shape.count,
                  count <= Network.maxLayerWidth else {
                throw NerveError.size("the \(name) shape \(shape) must have 1 to \(Network.maxLayerWidth) values")
            }
        }
        switch kind {
        case .dense:
            return DenseLayer(self)
        }
    }
}
