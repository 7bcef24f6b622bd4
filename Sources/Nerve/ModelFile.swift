#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saving and loading model files. A save never leaves a partial file at `path`: it writes a temporary file in
/// the same directory, flushes it to disk, renames it over the target and flushes the directory entry.
public enum ModelFile {
    /// Larger files are refused before reading: no valid model is bigger (2^31 parameters of 4 bytes).
    static let maxFileSize = 4 * Network.maxParameters + (1 << 20)

    public static func serialize<T>(_ network: Network, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let size = ModelFormat.serializedSize(network)
        guard let raw = malloc(size) else { throw NerveError.outOfMemory("cannot allocate \(size) bytes for the model") }
        defer { free(raw) }
        let written = ModelFormat.write(network, to: raw)
        return try body(UnsafeRawBufferPointer(start: raw, count: written))
    }

    public static func save(_ network: Network, to path: String) throws {
        guard !path.isEmpty else { throw NerveError.invalid("the path is empty") }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw NerveError.io("cannot save to \"\(path)\": it is a directory")
        }
        let temporary = "\(path).tmp-\(getpid())-\(nextTemporaryNumber())"
        // A nameless file (O_TMPFILE) vanishes if the process dies before it is complete; it gets the temporary
        // name only once written and flushed. Where the file system cannot do that, a named file is the fallback.
        var fd = open(directoryName(of: path), openTmpFile | O_WRONLY | O_CLOEXEC, 0o644)
        let nameless = fd >= 0
        if !nameless { fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw NerveError.io("cannot create \"\(temporary)\": \(describeErrno())") }
        var failure: NerveError?
        do {
            try serialize(network) { bytes in try writeAll(fd, bytes, path: temporary) }
            if fsync(fd) != 0 { failure = .io("cannot flush \"\(temporary)\": \(describeErrno())") }
        } catch let error as NerveError {
            failure = error
        } catch {
            failure = .io("cannot write \"\(temporary)\"")
        }
        if failure == nil, nameless,
           linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) != 0 {
            failure = .io("cannot name \"\(temporary)\": \(describeErrno())")
        }
        if close(fd) != 0, failure == nil { failure = .io("cannot close \"\(temporary)\": \(describeErrno())") }
        if failure == nil, rename(temporary, path) != 0 {
            failure = .io("cannot rename \"\(temporary)\" to \"\(path)\": \(describeErrno())")
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        syncDirectory(of: path)
    }

    public static func load(from path: String) throws -> Network {
        guard !path.isEmpty else { throw NerveError.invalid("the path is empty") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw NerveError.io("cannot open \"\(path)\": \(describeErrno())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NerveError.io("cannot stat \"\(path)\": \(describeErrno())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw NerveError.io("\"\(path)\" is not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxFileSize else { throw NerveError.format("\"\(path)\" is \(size) bytes, larger than any model") }
        guard let raw = malloc(max(size, 1)) else { throw NerveError.outOfMemory("cannot allocate \(size) bytes") }
        defer { free(raw) }
        var done = 0
        while done < size {
            let got = read(fd, raw + done, size - done)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw NerveError.io("cannot read \"\(path)\": \(got == 0 ? "unexpected end of file" : describeErrno())") }
            done += got
        }
        do {
            return try ModelFormat.read(UnsafeRawBufferPointer(start: raw, count: size))
        } catch let error as NerveError {
            throw NerveError.format("\"\(path)\": \(error.message)")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let wrote = write(fd, base + done, bytes.count - done)
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else { throw NerveError.io("cannot write \"\(path)\": \(describeErrno())") }
            done += wrote
        }
    }

    /// Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY); the C macro is not visible to Swift.
    private static let openTmpFile: Int32 = 0o20000000 | O_DIRECTORY

    private static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Makes the rename itself durable; failure here is not an error (the data is already safe).
    private static func syncDirectory(of path: String) {
        let fd = open(directoryName(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    private static let counterLock = Mutex()
    nonisolated(unsafe) private static var counter = 0
    private static func nextTemporaryNumber() -> Int { counterLock.withLock { counter += 1; return counter } }

    static func describeErrno() -> String {
        guard let message = strerror(errno) else { return "error \(errno)" }
        return String(cString: message)
    }
}
