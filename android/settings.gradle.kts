// env0 for Android: the `env0` library (Kotlin wrapper over the UniFFI bindings + the Rust .so)
// and the Compose app. Needs the Android SDK; see README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "env0-android"
include(":env0", ":app")
