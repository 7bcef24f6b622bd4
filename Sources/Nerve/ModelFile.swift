#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Saving and loading model files. A save never leaves a partial file at `path`: it writes a temporary file in
/// the target's directory, flushes it to disk, renames it over the target and flushes the directory entry.
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

    public static func save(_ network: Network, to path: String) throws { try save(network, to: FilePath(path)) }

    public static func load(from path: String) throws -> Network { try load(from: FilePath(path)) }

    /// Writes the model to `path`, or through the symbolic links `path` names to their final target (the links
    /// stay). Only a regular file is ever replaced, and it keeps its mode and, where permitted, its owner; a new
    /// file gets the mode the umask leaves of 0666. The caller's errno is unchanged by a successful save.
    public static func save(_ network: Network, to path: FilePath) throws {
        let callersErrno = errno
        func failure(_ what: String) -> NerveError { .io("cannot save \"\(path.display)\": \(what)") }
        guard !path.bytes.isEmpty else { throw NerveError.invalid("the path is empty") }
        let target = try finalTarget(of: path)
        var existing = stat()
        let exists = target.withCString { lstat($0, &existing) } == 0
        if exists, (existing.st_mode & S_IFMT) != S_IFREG {
            throw failure("it is \(kind(existing.st_mode)), not a regular file")
        }
        let directory = target.directory.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard directory >= 0 else { throw failure("cannot open its directory: \(describeErrno())") }
        defer { close(directory) }
        // A short name in the target's directory, whatever the length of the target's own name; a name someone
        // else holds (a stray file, another process's save) is skipped.
        var temporary = FilePath(".nerve-\(getpid())-\(nextTemporaryNumber()).tmp")
        // A nameless file (O_TMPFILE) vanishes if the process dies before it is complete; it gets the temporary
        // name only once written and flushed. Where the file system cannot do that, a named file is the fallback.
        var fd = openat(directory, ".", openTmpFile | O_WRONLY | O_CLOEXEC, 0o666)
        let nameless = fd >= 0
        for _ in 0..<100 where !nameless {
            fd = temporary.withCString { openat(directory, $0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666) }
            if fd >= 0 || errno != EEXIST { break }
            temporary = FilePath(".nerve-\(getpid())-\(nextTemporaryNumber()).tmp")
        }
        guard fd >= 0 else { throw failure("cannot create a file in its directory: \(describeErrno())") }
        var named = !nameless
        var problem: NerveError?
        if exists {
            // Owner first: a change of owner may clear the set-id bits that the mode then restores.
            _ = fchown(fd, existing.st_uid, existing.st_gid)
            if fchmod(fd, existing.st_mode & 0o7777) != 0 { problem = failure("cannot keep its mode: \(describeErrno())") }
        }
        if problem == nil {
            do {
                try serialize(network) { bytes in try writeAll(fd, bytes, path: path) }
                if fsync(fd) != 0 { problem = failure("cannot flush: \(describeErrno())") }
            } catch let caught as NerveError {
                problem = caught
            } catch {
                problem = failure("cannot write")
            }
        }
        if problem == nil, nameless {
            for _ in 0..<100 {
                let linked = temporary.withCString { linkat(AT_FDCWD, "/proc/self/fd/\(fd)", directory, $0, AT_SYMLINK_FOLLOW) }
                if linked == 0 { named = true; break }
                if errno != EEXIST { break }
                temporary = FilePath(".nerve-\(getpid())-\(nextTemporaryNumber()).tmp")
            }
            if !named { problem = failure("cannot name the new file: \(describeErrno())") }
        }
        if close(fd) != 0, problem == nil { problem = failure("cannot close: \(describeErrno())") }
        if problem == nil {
            let renamed = temporary.withCString { from in
                target.lastComponent.withCString { to in renameat(directory, from, directory, to) }
            }
            if renamed != 0 { problem = failure("cannot rename the new file over it: \(describeErrno())") }
        }
        if let problem {
            if named { _ = temporary.withCString { unlinkat(directory, $0, 0) } }
            throw problem
        }
        fsync(directory)  // makes the rename durable; the data is already safe if this fails
        errno = callersErrno
    }

    /// Reads a model file. Anything but a regular file is refused without blocking (a FIFO would wait for a
    /// writer), and the header's counts are checked against the file's length before the rest is read.
    public static func load(from path: FilePath) throws -> Network {
        guard !path.bytes.isEmpty else { throw NerveError.invalid("the path is empty") }
        let fd = path.withCString { open($0, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) }
        guard fd >= 0 else { throw NerveError.io("cannot open \"\(path.display)\": \(describeErrno())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NerveError.io("cannot stat \"\(path.display)\": \(describeErrno())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw NerveError.io("\"\(path.display)\" is \(kind(info.st_mode)), not a regular file")
        }
        let size = Int(info.st_size)
        guard size <= maxFileSize else {
            throw NerveError.format("\"\(path.display)\" is \(size) bytes, larger than any model")
        }
        func formatError(_ error: NerveError) -> NerveError {
            guard case .format(let message) = error else { return error }
            return .format("\"\(path.display)\": \(message)")
        }
        let headerSize = min(size, ModelFormat.maxHeaderSize)
        guard var raw = malloc(max(headerSize, 1)) else { throw NerveError.outOfMemory("cannot allocate \(headerSize) bytes") }
        defer { free(raw) }
        try readFully(fd, into: raw, from: 0, to: headerSize, path: path)
        do {
            let header = try ModelFormat.header(UnsafeRawBufferPointer(start: raw, count: headerSize))
            try ModelFormat.checkSize(size, of: header)
        } catch let error as NerveError {
            throw formatError(error)
        }
        guard let whole = realloc(raw, max(size, 1)) else { throw NerveError.outOfMemory("cannot allocate \(size) bytes") }
        raw = whole
        try readFully(fd, into: raw, from: headerSize, to: size, path: path)
        do {
            return try ModelFormat.read(UnsafeRawBufferPointer(start: raw, count: size))
        } catch let error as NerveError {
            throw formatError(error)
        }
    }

    private static func readFully(_ fd: Int32, into raw: UnsafeMutableRawPointer, from start: Int, to end: Int,
                                  path: FilePath) throws {
        var done = start
        while done < end {
            let got = read(fd, raw + done, end - done)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw NerveError.io("cannot read \"\(path.display)\": \(got == 0 ? "unexpected end of file" : describeErrno())")
            }
            done += got
        }
    }

    /// `path`, or the final target of the symbolic links it names (a relative link is read from its own
    /// directory). A name that does not exist is its own target.
    private static func finalTarget(of path: FilePath) throws -> FilePath {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard current.withCString({ lstat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFLNK else {
                return current
            }
            var buffer = [UInt8](repeating: 0, count: FilePath.maxLength + 1)
            let length = current.withCString { name in
                buffer.withUnsafeMutableBufferPointer { readlink(name, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
            }
            guard length > 0, length <= FilePath.maxLength else {
                throw NerveError.io("cannot save \"\(path.display)\": cannot read the link \"\(current.display)\": \(length < 0 ? describeErrno() : "target too long")")
            }
            current = current.directory.resolving(FilePath(bytes: Array(buffer[..<length])))
            guard current.bytes.count <= FilePath.maxLength else {
                throw NerveError.io("cannot save \"\(path.display)\": its link target is longer than \(FilePath.maxLength) bytes")
            }
        }
        throw NerveError.io("cannot save \"\(path.display)\": too many levels of symbolic links")
    }

    /// What a non-regular file is, for messages.
    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: FilePath) throws {
        var done = 0
        while done < bytes.count {
            guard let base = bytes.baseAddress else { return }
            let wrote = write(fd, base + done, bytes.count - done)
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else { throw NerveError.io("cannot save \"\(path.display)\": cannot write: \(describeErrno())") }
            done += wrote
        }
    }

    /// Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY); the C macro is not visible to Swift.
    private static let openTmpFile: Int32 = 0o20000000 | O_DIRECTORY

    /// Lock-free, so a fork() in the middle of another thread's save cannot leave the child waiting on a lock.
    private static let counter = Atomic<Int>(0)
    private static func nextTemporaryNumber() -> Int { counter.add(1, ordering: .relaxed).newValue }

    static func describeErrno() -> String {
        guard let message = strerror(errno) else { return "error \(errno)" }
        return String(cString: message)
    }
}
