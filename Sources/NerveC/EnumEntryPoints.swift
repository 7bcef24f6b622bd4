#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNerveABI
import Nerve

/// The names of every enumeration nerve.h declares, as static C strings, indexed by NERVE_ENUM_* and then by
/// value.
private let enumNames: [[UnsafePointer<CChar>]] = {
    func names<E: Identified>(_: E.Type) -> [UnsafePointer<CChar>] {
        // Raw values run 0, 1, 2… (nerve.h promises no gaps), so position is value.
        E.allCases.sorted { $0.rawValue < $1.rawValue }.map { staticCString($0.identifier) }
    }
    return [names(Activation.self), names(Cost.self), names(WeightInit.self), names(OptimizerKind.self),
            names(Monitoring.self), names(LayerKind.self), names(Padding.self), names(WatchedMetric.self),
            names(BiasInit.self), names(OptimizerState.self), names(AccuracyRule.Choice.self)]
}()

@_cdecl("nerve_enum_name")
public func nerve_enum_name(_ enumeration: Int32, _ value: Int32) -> UnsafePointer<CChar>? {
    guard enumNames.indices.contains(Int(enumeration)) else { return nil }
    let names = enumNames[Int(enumeration)]
    return names.indices.contains(Int(value)) ? names[Int(value)] : nil
}

@_cdecl("nerve_enum_value")
public func nerve_enum_value(_ enumeration: Int32, _ name: UnsafePointer<CChar>?,
                             _ value: UnsafeMutablePointer<Int32>?) -> nerve_status {
    guarded("nerve_enum_value") {
        let name = try Check.pointer(name, "name"), value = try Check.pointer(value, "value")
        guard enumNames.indices.contains(Int(enumeration)) else {
            throw NerveError.invalid("enumeration \(enumeration) is not a NERVE_ENUM_* value")
        }
        guard let index = enumNames[Int(enumeration)].firstIndex(where: { strcmp($0, name) == 0 }) else {
            throw NerveError.invalid("\"\(String(cString: name))\" is not a name of enumeration \(enumeration)")
        }
        value.pointee = Int32(index)
        return NERVE_OK
    }
}
