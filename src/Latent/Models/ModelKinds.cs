using Latent.Gp;
using Latent.Noisy;
using Latent.Nn;
using Latent.Text;
using Latent.Vae;

namespace Latent.Models;

/// <summary>Every saved model kind and how to load it: a model folder of any kind opens through <see cref="Load"/>.</summary>
public static class ModelKinds
{
    /// <summary>Kind (config.json's "kind") → loader (directory, device).</summary>
    public static Registry<Func<string, string, ILatentModel>> Registry { get; } = new Registry<Func<string, string, ILatentModel>>("model kind")
        .Add(VaeModel.Kind, "variational autoencoder", (directory, device) => VaeModel.Load(directory, device))
        .Add(SvgpClassifier.Kind, "sparse variational GP classifier", (directory, device) => SvgpClassifier.Load(directory, device))
        .Add(GpRegressor.Kind, "GP regression (exact, sparse or stochastic variational)", (directory, device) => GpRegressor.Load(directory, device))
        .Add(MlpClassifier.Kind, "MLP classifier", (directory, device) => MlpClassifier.Load(directory, device))
        .Add(NoisyClassifier.Kind, "classifier trained on noisy labels", (directory, device) => NoisyClassifier.Load(directory, device))
        .Add(LanguageModel.Kind, "LSTM language model", (directory, device) => LanguageModel.Load(directory, device))
        .Add(Word2Vec.Kind, "word2vec vectors", (directory, _) => Word2Vec.Load(directory));

    /// <summary>Loads the model folder <paramref name="directory"/> of whatever kind its config.json names, onto <paramref name="device"/>.</summary>
    public static ILatentModel Load(string directory, string device = ComputeDevice.Default)
    {
        var kind = LatentException.Naming(directory, () => ModelFolder.ReadKind(directory));
        if (!Registry.Contains(kind)) throw new LatentException($"{directory}: holds a '{kind}' model, which this version of Latent does not know");
        return Registry[kind](directory, device);
    }
}
