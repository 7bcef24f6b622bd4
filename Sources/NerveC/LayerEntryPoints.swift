import CNerveABI
import Nerve

/// Layer specifications cross the C boundary as arrays of nerve_layer_spec whose element size the caller
/// states, so a later version can append fields and still read arrays compiled against this one.
private let specSize = MemoryLayout<nerve_layer_spec>.size
/// The struct of 0.3 and 0.4, before negative_slope (a float) was appended: its callers keep working.
private let specSizeBefore05 = specSize - MemoryLayout<Float>.size

private func checkSpecSize(_ size: Int) throws {
    guard size == specSize || size == specSizeBefore05 else {
        throw NerveError.invalid("spec_size is \(size), but this library's nerve_layer_spec is \(specSize) bytes (\(specSizeBefore05) before 0.5)")
    }
}

/// Element `index` of a caller's array of `size`-byte specs; fields beyond `size` read 0, their default.
private func element(_ index: Int, of specs: UnsafePointer<nerve_layer_spec>, size: Int) -> nerve_layer_spec {
    var result = nerve_layer_spec()
    withUnsafeMutableBytes(of: &result) {
        $0.copyMemory(from: UnsafeRawBufferPointer(start: UnsafeRawPointer(specs) + index * size, count: size))
    }
    return result
}

/// The core's spec for one C description, reading `input`; fields the kind does not use must be 0.
private func layerSpec(_ c: nerve_layer_spec, input: Shape) throws -> LayerSpec {
    let kind = try Check.enumValue(c.kind, LayerKind.self, "kind")
    let unused: [(StaticString, Int32)]
    switch kind {
    case .dense:
        unused = [("window_height", c.window_height), ("window_width", c.window_width),
                  ("stride_height", c.stride_height), ("stride_width", c.stride_width), ("padding", c.padding)]
    case .conv2D: unused = []
    case .maxPool2D, .meanPool2D: unused = [("units", c.units)]
    }
    for (name, value) in unused where value != 0 {
        throw NerveError.invalid("\(name) = \(value), but a \(kind.identifier) layer does not use it (leave it 0)")
    }
    for (name, value) in [("window_height", c.window_height), ("window_width", c.window_width),
                          ("stride_height", c.stride_height), ("stride_width", c.stride_width)] as [(StaticString, Int32)]
        where value < 0 {
        throw NerveError.size("\(name) = \(value) is negative")
    }
    let activation = kind == .maxPool2D || kind == .meanPool2D
        ? .linear : try Check.enumValue(c.activation, Activation.self, "activation")
    let slope = c.negative_slope
    guard slope.isFinite, slope >= 0, slope < 1 else {
        throw NerveError.invalid("negative_slope = \(slope); it must be finite and in [0, 1) (0 = the default \(Activation.defaultNegativeSlope))")
    }
    guard slope == 0 || activation == .leakyRelu else {
        throw NerveError.invalid("negative_slope = \(slope), but only a leaky_relu layer has one (leave it 0)")
    }
    return try LayerSpec.make(kind, input: input, units: Int(c.units),
                              windowHeight: Int(c.window_height), windowWidth: Int(c.window_width),
                              strideHeight: Int(c.stride_height), strideWidth: Int(c.stride_width),
                              padding: try Check.enumValue(c.padding, Padding.self, "padding"),
                              activation: activation, negativeSlope: slope == 0 ? nil : slope)
}

@_cdecl("nerve_create_layers")
public func nerve_create_layers(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ inputShape: UnsafePointer<Int32>?,
                                _ layers: UnsafePointer<nerve_layer_spec>?, _ layerCount: Int32, _ size: Int,
                                _ cost: Int32, _ seed: UInt64) -> nerve_status {
    guarded("nerve_create_layers") {
        let out = try Check.pointer(out, "out")
        let inputShape = try Check.pointer(inputShape, "input_shape")
        let layers = try Check.pointer(layers, "layers")
        try checkSpecSize(size)
        guard layerCount >= 1, layerCount <= Int32(Network.maxLayers) else {
            throw NerveError.size("n_layers must be 1 to \(Network.maxLayers), got \(layerCount)")
        }
        for (axis, name) in ["channels", "height", "width"].enumerated() where inputShape[axis] < 1 {
            throw NerveError.size("input_shape's \(name) must be at least 1, got \(inputShape[axis])")
        }
        var shape = Shape(channels: Int(inputShape[0]), height: Int(inputShape[1]), width: Int(inputShape[2]))
        var specs: [LayerSpec] = []
        for i in 0..<Int(layerCount) {
            do {
                let spec = try layerSpec(element(i, of: layers, size: size), input: shape)
                _ = try spec.makeLayer()
                specs.append(spec)
                shape = spec.output
            } catch let error as NerveError {
                throw error.prefixed("layers[\(i)]: ")
            }
        }
        let costKind = try Check.enumValue(cost, Cost.self, "cost")
        out.pointee = NetworkHandle.publish(try Network(specs: specs, cost: costKind, seed: seed))
        return NERVE_OK
    }
}

@_cdecl("nerve_get_layer_spec")
public func nerve_get_layer_spec(_ net: OpaquePointer?, _ layer: Int32, _ spec: UnsafeMutablePointer<nerve_layer_spec>?,
                                 _ size: Int) -> nerve_status {
    guarded("nerve_get_layer_spec") {
        let handle = try NetworkHandle.resolve(net)
        let index = try Check.layer(layer, of: handle.network)
        let target = try Check.pointer(spec, "spec")
        try checkSpecSize(size)
        let described = handle.network.specs[index]
        var result = nerve_layer_spec()
        result.kind = described.kind.rawValue
        result.activation = described.activation.rawValue
        result.negative_slope = described.negativeSlope
        // Every count of a valid network fits in Int32 (shapes and windows are at most maxLayerWidth).
        switch described.kind {
        case .dense:
            result.units = Int32(described.output.count!)
        case .conv2D, .maxPool2D, .meanPool2D:
            let w = described.window
            result.units = described.kind == .conv2D ? Int32(described.output.channels) : 0
            result.window_height = Int32(w.height)
            result.window_width = Int32(w.width)
            result.stride_height = Int32(w.strideHeight)
            result.stride_width = Int32(w.strideWidth)
            result.padding = w.padding.rawValue
        }
        // Only the bytes the caller's struct has: a 0.3 or 0.4 caller's ends before negative_slope.
        withUnsafeBytes(of: &result) {
            UnsafeMutableRawBufferPointer(start: target, count: size)
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(size)))
        }
        return NERVE_OK
    }
}

@_cdecl("nerve_parameter_count")
public func nerve_parameter_count(_ net: OpaquePointer?) -> Int64 {
    describe(net, otherwise: 0) { Int64($0.parameterCount) }
}

@_cdecl("nerve_layer_parameter_count")
public func nerve_layer_parameter_count(_ net: OpaquePointer?, _ layer: Int32, _ weights: UnsafeMutablePointer<Int64>?,
                                        _ biases: UnsafeMutablePointer<Int64>?) -> nerve_status {
    guarded("nerve_layer_parameter_count") {
        let handle = try NetworkHandle.resolve(net)
        let described = handle.network.layers[try Check.layer(layer, of: handle.network)]
        weights?.pointee = Int64(described.weightCount)
        biases?.pointee = Int64(described.parameterCount - described.weightCount)
        return NERVE_OK
    }
}
