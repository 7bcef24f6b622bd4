import CNerveABI
import Nerve

@_cdecl("nerve_predict")
public func nerve_predict(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ n: Int64,
                          _ out: UnsafeMutablePointer<Float>?, _ outCapacity: Int64) -> nerve_status {
    guarded("nerve_predict") {
        let handle = try NetworkHandle.resolve(net)
        let network = handle.network
        let x = try Check.pointer(x, "x"), out = try Check.pointer(out, "out")
        let rows = try Check.count(n, "n", max: Check.maxElements)
        let inputs = try Check.elements(rows, network.inputSize, "x")
        try Check.finite(x, inputs, "x")
        let outputs = try Check.elements(rows, network.outputSize, "out")
        try Check.capacity(outCapacity, needed: outputs, "out")
        try Check.disjoint(out, outputs, x, inputs, "out", "x")
        try handle.access.reading { try network.predict(x, rows: rows, into: out) }
        return NERVE_OK
    }
}

@_cdecl("nerve_evaluate")
public func nerve_evaluate(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                           _ n: Int64, _ cost: UnsafeMutablePointer<Float>?,
                           _ accuracy: UnsafeMutablePointer<Float>?) -> nerve_status {
    guarded("nerve_evaluate") {
        let handle = try NetworkHandle.resolve(net)
        let data = try samples(handle.network, x, y, n, "x", "y", "n")
        let metrics = try handle.access.reading { try handle.network.measure(data.x, data.y, rows: data.count) }
        cost?.pointee = Float(metrics.cost)
        accuracy?.pointee = Float(metrics.accuracy)
        return NERVE_OK
    }
}
