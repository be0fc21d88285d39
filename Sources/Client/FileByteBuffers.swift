import NIOCore

/// A file read as a sequence of byte buffers, for streaming an upload from disk: only one piece
/// is in memory at a time, and the HTTP client asks for the next one when the socket can take it.
struct FileByteBuffers: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// The size of each piece read.
    static let pieceSize = 1 << 20

    let path: String
    /// The length the file had when its id was computed; a file that changed since is refused.
    let length: UInt64

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: path, length: length)
    }

    /// Opens the file on the first `next()` and closes it at the end (or when dropped).
    struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        let length: UInt64
        private var file: LocalFile?
        private var sent: UInt64 = 0
        private let allocator = ByteBufferAllocator()

        init(path: String, length: UInt64) {
            self.path = path
            self.length = length
        }

        mutating func next() async throws -> ByteBuffer? {
            let file = try self.file ?? LocalFile.openForReading(path)
            self.file = file
            let piece = try file.readBuffer(limit: FileByteBuffers.pieceSize, allocator: allocator)
            sent += UInt64(piece.readableBytes)
            guard sent <= length, piece.readableBytes > 0 || sent == length else {
                file.close()
                throw ClientError.file("\(path) changed while it was uploaded (\(sent) bytes read, its id was computed over \(length)); upload it again")
            }
            if piece.readableBytes == 0 {
                file.close()
                return nil
            }
            return piece
        }
    }
}
