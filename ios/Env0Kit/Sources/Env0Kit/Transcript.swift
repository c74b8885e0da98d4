import Foundation

/// One card of the Assistant's transcript, folded from an episode's events by `Transcript`.
public enum TranscriptItem: Equatable {
    /// What the model said in one turn (its streamed text pieces joined).
    case said(Said)
    /// A tool call and, once it is back, its result.
    case tool(ToolCard)
    /// A reply the runtime could not read as text or a tool call.
    case invalidReply(InvalidReply)
    /// A task's verdict: one line per check, gate and violation.
    case verdict(Verdict)

    /// What the model said in one turn.
    public struct Said: Equatable {
        public var turn: Int
        public var text: String

        public init(turn: Int, text: String) {
            self.turn = turn
            self.text = text
        }
    }

    /// A tool call and its result. `writes`: whether the tool may change the world (nil: the
    /// model named no such tool). `outcome`: `ok`, `unknown_tool`, `bad_arguments`, `api_error`
    /// (with `status`) or `failed`; nil while the call runs.
    public struct ToolCard: Equatable {
        public var id: String
        public var name: String
        public var argumentsJson: String
        public var writes: Bool?
        public var outcome: String?
        public var status: Int?
        public var content: String?

        public init(
            id: String,
            name: String,
            argumentsJson: String,
            writes: Bool?,
            outcome: String? = nil,
            status: Int? = nil,
            content: String? = nil
        ) {
            self.id = id
            self.name = name
            self.argumentsJson = argumentsJson
            self.writes = writes
            self.outcome = outcome
            self.status = status
            self.content = content
        }

        /// Whether the call is still running (no result yet).
        public var pending: Bool {
            outcome == nil
        }

        /// Whether the call came back `ok`.
        public var succeeded: Bool {
            outcome == "ok"
        }
    }

    /// A reply the runtime could not read.
    public struct InvalidReply: Equatable {
        public var turn: Int
        public var error: String

        public init(turn: Int, error: String) {
            self.turn = turn
            self.error = error
        }
    }

    /// A task's verdict: the reward, whether it passed, and one line per check.
    public struct Verdict: Equatable {
        public var reward: Double
        public var passed: Bool
        public var checks: [String]

        public init(reward: Double, passed: Bool, checks: [String]) {
            self.reward = reward
            self.passed = passed
            self.checks = checks
        }
    }
}

/// An episode as the Assistant screen shows it. Pure: fold events with `apply(_:)` or
/// `applying(_:)`. The rules are those of the Android app's `Transcript`.
public struct Transcript: Equatable {
    /// The model's name, from `started`.
    public var model: String?
    /// How many tools the model was offered.
    public var tools: Int
    /// The turn now running.
    public var turn: Int
    public var items: [TranscriptItem]
    /// `finished`'s stop (`final`, `cancelled`, `max_turns`, …); nil while running.
    public var stop: String?

    public init(
        model: String? = nil,
        tools: Int = 0,
        turn: Int = 0,
        items: [TranscriptItem] = [],
        stop: String? = nil
    ) {
        self.model = model
        self.tools = tools
        self.turn = turn
        self.items = items
        self.stop = stop
    }

    /// This transcript with `event` folded in.
    public func applying(_ event: EpisodeEvent) -> Transcript {
        var next = self
        next.apply(event)
        return next
    }

    /// Folds `event` in: text pieces of one turn join into one `said` card, a tool result fills
    /// the last pending card of its call id (or gets its own card when there is none), a verdict
    /// splits its explanation into trimmed non-empty lines.
    public mutating func apply(_ event: EpisodeEvent) {
        switch event {
        case .started(_, let startedModel, let toolCount):
            model = startedModel
            tools = Int(toolCount)
        case .turnStarted(let newTurn):
            turn = Int(newTurn)
        case .text(let pieceTurn, let piece):
            let textTurn = Int(pieceTurn)
            if let last = items.last, case .said(var said) = last, said.turn == textTurn {
                said.text += piece
                items[items.count - 1] = .said(said)
            } else {
                items.append(.said(TranscriptItem.Said(turn: textTurn, text: piece)))
            }
        case .toolCall(let id, let name, let argumentsJson, let writes):
            items.append(.tool(TranscriptItem.ToolCard(
                id: id,
                name: name,
                argumentsJson: argumentsJson,
                writes: writes
            )))
        case .toolResult(let id, let name, let outcome, let status, let content):
            let at = items.lastIndex(where: { item in
                if case .tool(let card) = item {
                    return card.id == id && card.pending
                }
                return false
            })
            if let index = at, case .tool(var card) = items[index] {
                card.outcome = outcome
                card.status = status.map { Int($0) }
                card.content = content
                items[index] = .tool(card)
            } else {
                // A result without its call (not sent by env0 today): shown on its own card.
                items.append(.tool(TranscriptItem.ToolCard(
                    id: id,
                    name: name,
                    argumentsJson: "",
                    writes: nil,
                    outcome: outcome,
                    status: status.map { Int($0) },
                    content: content
                )))
            }
        case .invalidReply(let replyTurn, let error):
            items.append(.invalidReply(TranscriptItem.InvalidReply(turn: Int(replyTurn), error: error)))
        case .verdict(let reward, let passed, let explanation):
            let checks = explanation
                .components(separatedBy: .newlines)
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }
            items.append(.verdict(TranscriptItem.Verdict(reward: reward, passed: passed, checks: checks)))
        case .finished(let finalStop, _):
            stop = finalStop
        }
    }
}
