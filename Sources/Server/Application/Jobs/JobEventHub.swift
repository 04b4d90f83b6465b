import Foundation
import Synchronization

/// Progress and status events of jobs, for Server-Sent Events and long polls.
///
/// Each job has a channel of numbered events (ids start at 1 and grow by one),
/// of which the last 256 are kept, so that a client reconnecting with
/// `Last-Event-ID` gets what it missed. Channels of finished jobs are dropped
/// oldest first beyond 1024; a late subscriber then gets the job's status
/// from the store instead.
final class JobEventHub: Sendable {
  struct Event: Sendable {
    let id: Int
    let name: String
    let data: [UInt8]
    /// The last event of its job (a terminal status).
    let isFinal: Bool
  }

  private struct Channel {
    var events: [Event] = []
    var nextID = 1
    var subscribers: [UUID: AsyncStream<Event>.Continuation] = [:]
    var isFinished = false
  }

  private struct State {
    var channels: [String: Channel] = [:]
    var finishedOrder: [String] = []
    var isClosed = false
  }

  private let state = Mutex(State())
  private static let keptEvents = 256
  private static let keptFinishedChannels = 1024

  /// Appends an event to the job's channel and delivers it to its subscribers.
  /// Subscribers are yielded to and finished outside the lock: finishing runs
  /// their termination handlers, which take the lock themselves.
  func publish(job id: String, name: String, data: [UInt8], isFinal: Bool = false) {
    let (event, subscribers): (Event?, [AsyncStream<Event>.Continuation]) = state.withLock { state in
      var channel = state.channels[id, default: Channel()]
      guard !channel.isFinished else { return (nil, []) }
      let event = Event(id: channel.nextID, name: name, data: data, isFinal: isFinal)
      channel.nextID += 1
      channel.events.append(event)
      if channel.events.count > Self.keptEvents { channel.events.removeFirst(channel.events.count - Self.keptEvents) }
      let subscribers = Array(channel.subscribers.values)
      if isFinal {
        channel.isFinished = true
        channel.subscribers = [:]
        state.finishedOrder.append(id)
        if state.finishedOrder.count > Self.keptFinishedChannels {
          state.channels[state.finishedOrder.removeFirst()] = nil
        }
      }
      state.channels[id] = channel
      return (event, subscribers)
    }
    guard let event else { return }
    for subscriber in subscribers {
      subscriber.yield(event)
      if isFinal { subscriber.finish() }
    }
  }

  /// What a subscriber gets: the kept events after `lastEventID`, and a stream of
  /// the ones to come (nil when the job's channel has ended or is unknown).
  func subscribe(job id: String, after lastEventID: Int?) -> (replay: [Event], known: Bool, stream: AsyncStream<Event>?) {
    let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(Self.keptEvents))
    let key = UUID()
    let result: (replay: [Event], known: Bool, live: Bool) = state.withLock { state in
      guard var channel = state.channels[id] else { return ([], false, !state.isClosed) }
      let replay = channel.events.filter { $0.id > (lastEventID ?? 0) }
      guard !channel.isFinished, !state.isClosed else { return (replay, true, false) }
      channel.subscribers[key] = continuation
      state.channels[id] = channel
      return (replay, true, true)
    }
    if !result.live {
      continuation.finish()
      return (result.replay, result.known, nil)
    }
    continuation.onTermination = { [weak self] _ in
      self?.state.withLock { state in _ = state.channels[id]?.subscribers.removeValue(forKey: key) }
    }
    return (result.replay, result.known, stream)
  }

  /// Opens a channel for a job that has not published yet, so subscribers can wait on it.
  func open(job id: String) {
    state.withLock { state in
      if state.channels[id] == nil { state.channels[id] = Channel() }
    }
  }

  /// Ends every stream (at shutdown) and takes no new subscribers.
  func close() {
    let subscribers = state.withLock { state in
      state.isClosed = true
      var all: [AsyncStream<Event>.Continuation] = []
      for (id, var channel) in state.channels {
        all += channel.subscribers.values
        channel.subscribers = [:]
        state.channels[id] = channel
      }
      return all
    }
    for subscriber in subscribers { subscriber.finish() }
  }
}
