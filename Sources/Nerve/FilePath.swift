#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file name as the system sees it: bytes, used as given. A String would turn bytes that are not UTF-8 into
/// U+FFFD, and two different names into one file.
public struct FilePath: Sendable {
    /// The bytes without the terminating NUL.
    public let bytes: [UInt8]

    public static let maxLength = Int(PATH_MAX) - 1

    public init(_ string: String) { bytes = Array(string.utf8) }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Copies a caller's C string, refusing the empty name and names longer than any path can be.
    public init(cString: UnsafePointer<CChar>) throws {
        let length = strnlen(cString, FilePath.maxLength + 1)
        guard length > 0 else { throw NerveError.invalid("the path is empty") }
        guard length <= FilePath.maxLength else {
            throw NerveError.invalid("the path is longer than \(FilePath.maxLength) bytes")
        }
        bytes = UnsafeRawBufferPointer(start: cString, count: length).map { $0 }
    }

    /// For messages: UTF-8 as is, other bytes as \xNN.
    public var display: String {
        var text = ""
        var rest = bytes[...]
        while !rest.isEmpty {
            var decoder = UTF8()
            var iterator = rest.makeIterator()
            var consumed = 0
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumed = String(scalar).utf8.count
                text.unicodeScalars.append(scalar)
            case .error, .emptyInput:
                consumed = 1
                let byte = rest[rest.startIndex]
                text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
            rest = rest.dropFirst(consumed)
        }
        return text
    }

    /// The directory part ("." for a bare name) and the last component.
    var directory: FilePath {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return FilePath(".") }
        return FilePath(bytes: slash == 0 ? [UInt8(ascii: "/")] : Array(bytes[..<slash]))
    }

    var lastComponent: FilePath {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return self }
        return FilePath(bytes: Array(bytes[(slash + 1)...]))
    }

    /// `other` read relative to this directory, or `other` itself when it is absolute.
    func resolving(_ other: FilePath) -> FilePath {
        if other.bytes.first == UInt8(ascii: "/") { return other }
        return FilePath(bytes: bytes + [UInt8(ascii: "/")] + other.bytes)
    }

    /// Runs `body` with the name as a NUL-terminated C string.
    func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
