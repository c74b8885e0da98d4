import Env0Kit
import SwiftUI

/// Settings, kept in UserDefaults (`SettingsModel`): the local model's context length and
/// temperature, and the world's seed and scale (changing those recreates the world, after a
/// confirmation).
@MainActor
struct SettingsView: View {
    @Bindable var settings: SettingsModel
    @Environment(AppModel.self) private var app
    @State private var seedText = ""
    @State private var scale = "default"
    @State private var confirming = false

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Stepper(contextTitle, value: $settings.contextLength, in: 0...32768, step: 512)
                    VStack(alignment: .leading) {
                        Text("Temperature " + String(format: "%.2f", settings.temperature))
                        Slider(value: $settings.temperature, in: 0...2, step: 0.05) {
                            Text("Temperature")
                        }
                        .accessibilityValue(String(format: "%.2f", settings.temperature))
                    }
                } header: {
                    Text("Local model")
                } footer: {
                    Text("Used when a model is loaded on the Models tab (load it again after a change). Context 0 means the model's own. The number of threads is not a setting: the FFI does not offer one yet.")
                }

                Section {
                    TextField("Seed", text: $seedText)
                        .keyboardType(.numberPad)
                        .accessibilityLabel("World seed")
                    Picker("Scale", selection: $scale) {
                        ForEach(SettingsModel.scales, id: \.self) { name in
                            Text(name).tag(name)
                        }
                    }
                    Button("Recreate world…", role: .destructive) {
                        confirming = true
                    }
                    .disabled(parsedSeed == nil || app.recreating || app.assistant.state.running)
                    if app.recreating {
                        HStack(spacing: 8) {
                            ProgressView()
                            Text("Creating the world…")
                        }
                        .accessibilityElement(children: .combine)
                    }
                } header: {
                    Text("World")
                } footer: {
                    Text(worldNote)
                }

                if let message = app.error {
                    Section {
                        ErrorBanner(message: message)
                        Button("Dismiss") {
                            app.error = nil
                        }
                    }
                }
            }
            .navigationTitle("Settings")
            .onAppear {
                seedText = String(settings.worldSeed)
                scale = settings.worldScale
            }
            .confirmationDialog("Recreate the world?", isPresented: $confirming, titleVisibility: .visible) {
                Button("Recreate", role: .destructive) {
                    guard let seed = parsedSeed else {
                        return
                    }
                    let chosenScale = scale
                    Task {
                        await app.recreateWorld(seed: seed, scale: chosenScale)
                    }
                }
                Button("Cancel", role: .cancel) {}
            } message: {
                Text("Everything in the current workspace (mail, events, files, messages, and what the Assistant did) is replaced by a freshly seeded world.")
            }
        }
    }

    private var parsedSeed: UInt64? {
        UInt64(seedText.trimmingCharacters(in: .whitespaces))
    }

    private var contextTitle: String {
        settings.contextLength == 0 ? "Context: the model's own" : "Context: " + String(settings.contextLength) + " tokens"
    }

    private var worldNote: String {
        "Now: seed " + String(settings.worldSeed) + ", scale " + settings.worldScale
            + ". A new seed or scale takes effect when the world is recreated."
    }
}
