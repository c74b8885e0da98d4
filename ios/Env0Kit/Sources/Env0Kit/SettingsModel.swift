import Foundation
import Observation

/// The app's settings, persisted in `UserDefaults`: the local model's context length and
/// temperature, the world's seed and scale, the active model and adapter, and which world file
/// is current. (The number of threads is not an option of the FFI today.)
@MainActor
@Observable
public final class SettingsModel {
    /// The world scales `Workspace.create` knows.
    public static let scales: [String] = ["empty", "default", "large"]

    private enum Keys {
        static let context = "env0.context"
        static let temperature = "env0.temperature"
        static let seed = "env0.world.seed"
        static let scale = "env0.world.scale"
        static let generation = "env0.world.generation"
        static let model = "env0.model.active"
        static let adapter = "env0.adapter.active"
    }

    private let defaults: UserDefaults

    private var storedContext: Int
    private var storedTemperature: Double
    private var storedSeed: UInt64
    private var storedScale: String
    private var storedGeneration: Int
    private var storedModelId: String?
    private var storedAdapterId: String?

    /// Reads the saved settings from `defaults` (the defaults of the app when none are saved).
    public init(defaults: UserDefaults = .standard) {
        self.defaults = defaults
        storedContext = (defaults.object(forKey: Keys.context) as? Int) ?? 4096
        storedTemperature = (defaults.object(forKey: Keys.temperature) as? Double) ?? 0
        storedSeed = defaults.string(forKey: Keys.seed).flatMap { UInt64($0) } ?? 42
        storedScale = defaults.string(forKey: Keys.scale) ?? "default"
        storedGeneration = (defaults.object(forKey: Keys.generation) as? Int) ?? 0
        storedModelId = defaults.string(forKey: Keys.model)
        storedAdapterId = defaults.string(forKey: Keys.adapter)
    }

    /// The context window the local model enforces, in tokens (0: the model's own).
    public var contextLength: Int {
        get { storedContext }
        set {
            storedContext = max(0, newValue)
            defaults.set(storedContext, forKey: Keys.context)
        }
    }

    /// Sampling temperature of the local model (0 = greedy).
    public var temperature: Double {
        get { storedTemperature }
        set {
            storedTemperature = min(2, max(0, newValue))
            defaults.set(storedTemperature, forKey: Keys.temperature)
        }
    }

    /// The seed of the user's world (used when the world is created).
    public var worldSeed: UInt64 {
        get { storedSeed }
        set {
            storedSeed = newValue
            defaults.set(String(newValue), forKey: Keys.seed)
        }
    }

    /// The scale of the user's world: `empty`, `default` or `large`.
    public var worldScale: String {
        get { storedScale }
        set {
            storedScale = newValue
            defaults.set(newValue, forKey: Keys.scale)
        }
    }

    /// Which world file is current: it moves each time the world is recreated.
    public var worldGeneration: Int {
        get { storedGeneration }
        set {
            storedGeneration = newValue
            defaults.set(newValue, forKey: Keys.generation)
        }
    }

    /// The model store entry the Assistant and the Benchmark load (nil: none).
    public var activeModelId: String? {
        get { storedModelId }
        set {
            storedModelId = newValue
            defaults.set(newValue, forKey: Keys.model)
        }
    }

    /// The adapter entry loaded with the active model (nil: none).
    public var activeAdapterId: String? {
        get { storedAdapterId }
        set {
            storedAdapterId = newValue
            defaults.set(newValue, forKey: Keys.adapter)
        }
    }

    /// The local backend's options from these settings.
    public var localOptions: LocalOptions {
        LocalOptions(
            context: storedContext > 0 ? UInt32(clamping: storedContext) : nil,
            dtype: nil,
            temperature: storedTemperature,
            enableThinking: nil
        )
    }
}
