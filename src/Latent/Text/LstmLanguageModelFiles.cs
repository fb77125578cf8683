using System.Text.Json;
using Latent.IO;
using static TorchSharp.torch;

namespace Latent.Text;

/// <summary>
/// A trained language model on disk: a folder with <c>model.json</c> (its <see cref="LstmLanguageModelSettings"/>),
/// <c>vocabulary.txt</c> (<see cref="Vocabulary.Save"/>) and <c>model.pt</c> (TorchSharp weights).
/// </summary>
public static class LstmLanguageModelFiles
{
    private const string SettingsFile = "model.json", VocabularyFile = "vocabulary.txt", WeightsFile = "model.pt";

    /// <summary>Writes the three files into <paramref name="directory"/> (each atomically) and returns their paths.</summary>
    public static IReadOnlyList<string> Save(string directory, LstmLanguageModel model, Vocabulary vocabulary)
    {
        if (vocabulary.Count != model.Settings.VocabularySize)
            throw new LatentException($"vocabulary has {vocabulary.Count} words, the model {model.Settings.VocabularySize}");
        Directory.CreateDirectory(directory);
        var paths = new[] { SettingsFile, VocabularyFile, WeightsFile }.Select(f => Path.Combine(directory, f)).ToArray();
        AtomicFile.WriteText(paths[0], JsonSerializer.Serialize(model.Settings, new JsonSerializerOptions { WriteIndented = true }));
        vocabulary.Save(paths[1]);
        AtomicFile.Write(paths[2], temp => model.save(temp));
        return paths;
    }

    /// <summary>Reads a folder written by <see cref="Save"/>; the model is in evaluation mode.</summary>
    public static (LstmLanguageModel Model, Vocabulary Vocabulary) Load(string directory, Device device)
    {
        var settingsPath = Path.Combine(directory, SettingsFile);
        if (!File.Exists(settingsPath)) throw new LatentException($"{directory}: no {SettingsFile} (not a folder written by 'latent lm train')");
        LstmLanguageModelSettings settings;
        try
        {
            settings = JsonSerializer.Deserialize<LstmLanguageModelSettings>(File.ReadAllText(settingsPath))
                ?? throw new LatentException($"{settingsPath}: empty settings");
        }
        catch (JsonException e)
        {
            throw new LatentException($"{settingsPath}: corrupt model settings ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        var vocabulary = Vocabulary.Load(Path.Combine(directory, VocabularyFile));
        if (vocabulary.Count != settings.VocabularySize)
            throw new LatentException($"{directory}: vocabulary has {vocabulary.Count} words, the model settings {settings.VocabularySize}");
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weightsPath)) throw new LatentException($"{weightsPath}: weights file not found");
        var model = new LstmLanguageModel(settings, device);
        try
        {
            model.load(weightsPath);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException)
        {
            throw new LatentException($"{weightsPath}: weights do not match the model settings or the file is corrupt ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        model.eval();
        return (model, vocabulary);
    }
}
