import Foundation

/// Where Env0Kit runs FFI calls: a concurrent dispatch queue, never the main thread. Blocking
/// calls (`join()`, world requests, file checks) wait there, so the main actor never does.
public enum OffMain {
    static let queue = DispatchQueue(
        label: "dev.env0.kit.ffi",
        qos: .userInitiated,
        attributes: .concurrent
    )

    /// Runs `work` on the FFI queue and returns its result; an `Env0Error` it throws comes back
    /// as the matching `Env0KitError`. Use it for any generated-binding call made from a screen,
    /// e.g. `try await OffMain.run { try store.list() }`.
    public static func run<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            queue.async {
                do {
                    let value = try work()
                    continuation.resume(returning: value)
                } catch let error as Env0Error {
                    continuation.resume(throwing: Env0KitError(error))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Starts `work` on the FFI queue without waiting for it.
    static func enqueue(_ work: @escaping @Sendable () -> Void) {
        queue.async {
            work()
        }
    }
}

/// Everything a job has reported, replayed to each new stream, then its live updates; every
/// stream finishes after the last update. Thread-safe: Rust threads publish, any task
/// subscribes. A stream whose consumer goes away (a cancelled `for await`) is dropped at once.
final class Broadcast<Update>: @unchecked Sendable {
    private let lock = NSLock()
    private var updates: [Update] = []
    private var ended = false
    private var subscribers: [UUID: AsyncStream<Update>.Continuation] = [:]

    /// Whether the last update has been published.
    var isEnded: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ended
    }

    /// Publishes one update; ignored after the last one.
    func send(_ update: Update) {
        publish(update, last: false)
    }

    /// Publishes the last update and finishes every stream.
    func finish(with update: Update) {
        publish(update, last: true)
    }

    private func publish(_ update: Update, last: Bool) {
        var closing: [AsyncStream<Update>.Continuation] = []
        lock.lock()
        if ended {
            lock.unlock()
            return
        }
        updates.append(update)
        // Yielding never blocks (unbounded buffers) and never calls back into this object.
        for continuation in subscribers.values {
            continuation.yield(update)
        }
        if last {
            ended = true
            closing = Array(subscribers.values)
            subscribers.removeAll()
        }
        lock.unlock()
        // finish() runs each stream's onTermination, which takes the lock: outside it.
        for continuation in closing {
            continuation.finish()
        }
    }

    /// A new stream: everything so far, then each update as it comes; finishes after the last.
    func stream() -> AsyncStream<Update> {
        AsyncStream<Update> { continuation in
            let id = UUID()
            continuation.onTermination = { [weak self] _ in
                self?.remove(id)
            }
            self.lock.lock()
            for update in self.updates {
                continuation.yield(update)
            }
            let done = self.ended
            if !done {
                self.subscribers[id] = continuation
            }
            self.lock.unlock()
            if done {
                continuation.finish()
            }
        }
    }

    private func remove(_ id: UUID) {
        lock.lock()
        let removed = subscribers.removeValue(forKey: id)
        lock.unlock()
        // Released here, outside the lock.
        _ = removed
    }
}

/// A cancel action that may arrive before or after the thing to cancel exists.
final class CancelSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var action: (@Sendable () -> Void)?
    private var cancelled = false

    /// Stores `action`; false (and `action` not stored) when `cancel()` already happened.
    func set(_ action: @escaping @Sendable () -> Void) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if cancelled {
            return false
        }
        self.action = action
        return true
    }

    /// Runs the stored action (once), or marks the slot so that `set` refuses the next one.
    func cancel() {
        lock.lock()
        let pending = action
        action = nil
        cancelled = true
        lock.unlock()
        pending?()
    }
}
