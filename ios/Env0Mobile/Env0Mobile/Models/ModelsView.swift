import Env0Kit
import SwiftUI
import UniformTypeIdentifiers

/// The model store: import a GGUF file or a PEFT adapter folder from Files (inspected first:
/// size, architecture, family, or the reason env0 cannot run it), with progress and cancel;
/// verify checksums, delete; choose the active model and adapter and load them for the
/// Assistant and the Benchmark. A build without the local backend answers Unsupported.
@MainActor
struct ModelsView: View {
    let models: ModelsModel
    @Bindable var settings: SettingsModel
    @State private var picking = false
    @State private var pickingAdapter = false
    @State private var importName = ""
    @State private var doomed: ModelRecord?
    @State private var confirmingDelete = false

    var body: some View {
        NavigationStack {
            List {
                importSection
                if let inspection = models.inspection {
                    inspectionSection(inspection)
                }
                if models.importing {
                    importingSection
                }
                if let message = models.error {
                    Section {
                        ErrorBanner(message: message)
                    }
                }
                loadSection
                storeSection
            }
            .navigationTitle("Models")
            .fileImporter(
                isPresented: $picking,
                allowedContentTypes: pickingAdapter ? [UTType.folder] : [UTType.data]
            ) { result in
                handlePick(result)
            }
            .confirmationDialog("Delete this model?", isPresented: $confirmingDelete, titleVisibility: .visible, presenting: doomed) { record in
                Button("Delete " + record.name, role: .destructive) {
                    Task {
                        await models.remove(id: record.id)
                        if settings.activeModelId == record.id {
                            settings.activeModelId = nil
                        }
                        if settings.activeAdapterId == record.id {
                            settings.activeAdapterId = nil
                        }
                    }
                }
                Button("Cancel", role: .cancel) {}
            } message: { record in
                Text("Its files (" + Format.bytes(record.info.sizeBytes) + ") are removed from this device.")
            }
            .refreshable {
                await models.refresh()
            }
            .task {
                await models.refresh()
            }
        }
    }

    // MARK: - Import

    private var importSection: some View {
        Section {
            Button {
                pickingAdapter = false
                picking = true
            } label: {
                Label("Import a GGUF model…", systemImage: "square.and.arrow.down")
            }
            Button {
                pickingAdapter = true
                picking = true
            } label: {
                Label("Import a LoRA adapter folder…", systemImage: "folder.badge.plus")
            }
            if models.inspecting {
                HStack(spacing: 8) {
                    ProgressView()
                    Text("Checking the file…")
                }
                .accessibilityElement(children: .combine)
            }
        } header: {
            Text("Import")
        } footer: {
            Text("A file is checked before anything is copied. An adapter folder holds adapter_config.json and adapter_model.safetensors.")
        }
        .disabled(models.importing)
    }

    private func inspectionSection(_ inspection: ModelsModel.Inspection) -> some View {
        Section(inspection.url.lastPathComponent) {
            if let info = inspection.info {
                LabeledContent("Name", value: info.displayName)
                LabeledContent("Kind", value: info.kind == "gguf" ? "GGUF model" : "LoRA adapter")
                LabeledContent(architectureTitle(info), value: info.architecture)
                LabeledContent("Chat family", value: info.family ?? "unknown")
                LabeledContent("Size", value: Format.bytes(info.sizeBytes))
                if let context = info.contextLength {
                    LabeledContent("Context length", value: String(context))
                }
                if let rank = info.loraRank {
                    LabeledContent("LoRA rank", value: String(rank))
                }
                if let alpha = info.loraAlpha {
                    LabeledContent("LoRA alpha", value: String(format: "%.1f", alpha))
                }
                TextField("Name in the store (optional)", text: $importName)
                Button {
                    let name = importName.trimmingCharacters(in: .whitespaces)
                    models.importInspected(name: name.isEmpty ? nil : name)
                    importName = ""
                } label: {
                    Label("Import", systemImage: "tray.and.arrow.down")
                }
                .disabled(models.importing)
            } else {
                Label {
                    Text(inspection.problem ?? "This file cannot be used.")
                } icon: {
                    Image(systemName: "nosign")
                        .foregroundStyle(.red)
                        .accessibilityHidden(true)
                }
                .accessibilityLabel("Not supported: " + (inspection.problem ?? ""))
            }
            Button("Dismiss", role: .cancel) {
                models.dismissInspection()
            }
        }
    }

    private var importingSection: some View {
        Section("Importing") {
            ProgressView(value: models.importFraction) {
                Text("Copying and hashing… " + Format.percent(models.importFraction))
                    .font(.subheadline)
            }
            Button("Cancel import", role: .destructive) {
                models.cancelImport()
            }
        }
    }

    private func handlePick(_ result: Result<URL, Error>) {
        switch result {
        case .success(let url):
            let adapter = pickingAdapter
            Task {
                await models.inspect(url: url, isAdapter: adapter)
            }
        case .failure(let failure):
            models.error = describeError(failure)
        }
    }

    // MARK: - Load

    private var ggufRecords: [ModelRecord] {
        models.records.filter { $0.info.kind == "gguf" }
    }

    private var adapterRecords: [ModelRecord] {
        models.records.filter { $0.info.kind == "lora_adapter" }
    }

    private var loadSection: some View {
        Section {
            Picker("Model", selection: $settings.activeModelId) {
                Text("None").tag(String?.none)
                ForEach(ggufRecords, id: \.id) { record in
                    Text(record.name).tag(Optional(record.id))
                }
            }
            Picker("Adapter", selection: $settings.activeAdapterId) {
                Text("None").tag(String?.none)
                ForEach(adapterRecords, id: \.id) { record in
                    Text(record.name).tag(Optional(record.id))
                }
            }
            Button {
                load()
            } label: {
                Label("Load", systemImage: "bolt")
            }
            .disabled(settings.activeModelId == nil || models.loading)
            if models.loading {
                HStack(spacing: 8) {
                    ProgressView()
                    Text("Loading: " + (models.loadStage ?? "starting"))
                }
                .accessibilityElement(children: .combine)
            }
            if let label = models.loadedLabel, models.loadedAgent != nil {
                LabeledContent("Loaded", value: label)
                Button("Unload (use the oracle)") {
                    models.unload()
                }
            }
        } header: {
            Text("Active model")
        } footer: {
            Text("Context length and temperature come from Settings. Without a loaded model the Assistant and the Benchmark use the oracle.")
        }
    }

    private func load() {
        guard let modelId = settings.activeModelId else {
            return
        }
        let adapterId = settings.activeAdapterId
        let options = settings.localOptions
        Task {
            await models.load(modelId: modelId, adapterId: adapterId, options: options)
        }
    }

    // MARK: - Store

    private var storeSection: some View {
        Section("In the store") {
            if models.records.isEmpty {
                Text("No models yet.")
                    .foregroundStyle(.secondary)
            }
            ForEach(models.records, id: \.id) { record in
                recordRow(record)
            }
        }
    }

    private func recordRow(_ record: ModelRecord) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(record.name)
                .font(.headline)
            Text(details(record))
                .font(.caption)
                .foregroundStyle(.secondary)
            Text(record.id)
                .font(.caption2.monospaced())
                .foregroundStyle(.secondary)
                .accessibilityLabel("Id " + record.id)
            HStack {
                Button {
                    Task {
                        await models.verify(id: record.id)
                    }
                } label: {
                    Label("Verify", systemImage: "checkmark.shield")
                }
                .buttonStyle(.borderless)
                .disabled(models.verifying.contains(record.id))
                if models.verifying.contains(record.id) {
                    ProgressView()
                } else if let intact = models.verified[record.id] {
                    Label(verifyTitle(intact), systemImage: intact ? "checkmark.circle.fill" : "xmark.circle.fill")
                        .font(.caption)
                        .foregroundStyle(intact ? Color.green : Color.red)
                }
                Spacer()
                Button(role: .destructive) {
                    doomed = record
                    confirmingDelete = true
                } label: {
                    Label("Delete", systemImage: "trash")
                        .labelStyle(.iconOnly)
                }
                .buttonStyle(.borderless)
                .accessibilityLabel("Delete " + record.name)
            }
        }
    }

    private func architectureTitle(_ info: ModelInfo) -> String {
        info.kind == "gguf" ? "Architecture" : "Base model"
    }

    private func verifyTitle(_ intact: Bool) -> String {
        intact ? "Checksums match" : "Checksums differ"
    }

    private func details(_ record: ModelRecord) -> String {
        var parts: [String] = []
        parts.append(record.info.kind == "gguf" ? "GGUF" : "LoRA adapter")
        parts.append(record.info.architecture)
        if let family = record.info.family {
            parts.append(family)
        }
        parts.append(Format.bytes(record.info.sizeBytes))
        let imported = Date(timeIntervalSince1970: TimeInterval(record.importedAt))
        parts.append("imported " + Format.date(imported, dateStyle: .medium, timeStyle: .none))
        return parts.joined(separator: " · ")
    }
}
