namespace Latent.Vae;

/// <summary>
/// Everything that defines a VAE run, with every default in one place (the CLI reads its defaults from here). The defaults are
/// the 784-400-20 Bernoulli VAE of Kingma and Welling (2014) and pytorch/examples: ELBO, Adam 1e-3, batch 128, 10 epochs.
/// </summary>
public sealed record VaeOptions
{
    /// <summary>The defaults.</summary>
    public static VaeOptions Default { get; } = new();

    /// <summary>Dimension of the latent code z.</summary>
    public int Latent { get; init; } = 20;

    /// <summary>Encoder hidden layer widths, input side first (ReLU); the decoder uses them reversed. Empty: linear maps. In the conv architecture, the fully connected layers between the convolutions and z.</summary>
    public int[] Hidden { get; init; } = [400];

    /// <summary>How the encoder and the decoder's network are built: a name in <see cref="Architectures"/> ("mlp" or "conv").</summary>
    public string Architecture { get; init; } = "mlp";

    /// <summary>Output channels of the conv architecture's stride-2 convolutions, input side first (the decoder mirrors them); unused by "mlp".</summary>
    public int[] Channels { get; init; } = [32, 64];

    /// <summary>A conditional VAE (Sohn et al. 2015): the encoder and the decoder also read the example's one-hot class, so samples can be drawn for a chosen class; needs labelled data.</summary>
    public bool Conditional { get; init; }

    /// <summary>
    /// The decoder distribution p(x|z): Bernoulli needs features in [0, 1]; the Gaussians take any real data. Null (the default)
    /// chooses from the training data (<see cref="ForData"/>): Bernoulli when every feature lies in [0, 1], else the learned-variance Gaussian.
    /// </summary>
    public DecoderKind? Decoder { get; init; }

    /// <summary>Observation noise standard deviation of the fixed-variance Gaussian decoder.</summary>
    public double Sigma { get; init; } = 0.1;

    /// <summary>Smallest variance of the learned-variance Gaussian decoder (0: none).</summary>
    public double VarianceFloor { get; init; } = 1e-3;

    /// <summary>Training objective: "elbo", "elbo:L" (L samples of z per example) or "iwae:K" (see <see cref="IVaeObjective.Parse"/>).</summary>
    public string Objective { get; init; } = "elbo";

    /// <summary>Weight β of the KL term in the ELBO objective (1: the true ELBO; 0: a plain stochastic autoencoder; above 1: a β-VAE).</summary>
    public double KlWeight { get; init; } = 1.0;

    /// <summary>
    /// Epochs over which the KL weight rises linearly from 0 to <see cref="KlWeight"/> (0: no warm-up); KL warm-up keeps the decoder
    /// from ignoring z early in training (Bowman et al. 2016; Sønderby et al. 2016).
    /// </summary>
    public int KlWarmupEpochs { get; init; }

    /// <summary>How features in [0, 1] are binarized for training (the test part gets one fixed draw when not None).</summary>
    public Binarization Binarization { get; init; } = Binarization.None;

    /// <summary>Passes over the training examples.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decay of the moving average of the weights that evaluation uses and the trained model keeps (0: off).</summary>
    public double Ema { get; init; } = 0.998;

    /// <summary>Start the decoder's output bias at the training data's per-feature statistics (false: the layer's default).</summary>
    public bool DataMeanBias { get; init; } = true;

    /// <summary>Importance samples k of the test log-likelihood estimate (0: skip it).</summary>
    public int EvalIwaeSamples { get; init; } = 1000;

    /// <summary>Test examples the IWAE estimate averages over (null: all).</summary>
    public int? EvalIwaeExamples { get; init; }

    /// <summary>Stop when the validation −ELBO has not improved for this many epochs and keep the best epoch's (averaged) weights (null: run every epoch).</summary>
    public int? Patience { get; init; }

    /// <summary>Share of the training examples held out for the validation −ELBO that <see cref="Patience"/> watches (used only with it).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Train on the first N training examples (null: all).</summary>
    public int? Examples { get; init; }

    /// <summary>Seed of the initial weights, batch order, sampling noise and binarization draws.</summary>
    public long Seed { get; init; }

    /// <summary>The device the model computes on: "cpu", "cuda" or "cuda:N" (see <see cref="ComputeDevice"/>); not part of the saved model.</summary>
    [JsonIgnore]
    public string Device { get; init; } = ComputeDevice.Default;

    /// <summary>Checkpoint written after every epoch (null: none); not part of the saved model.</summary>
    [JsonIgnore]
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from <see cref="CheckpointPath"/>; not part of the saved model.</summary>
    [JsonIgnore]
    public bool Resume { get; init; }

    /// <summary>Interrupts training after a step, with a checkpoint (see <see cref="Training.TrainerOptions.Stop"/>); not part of the saved model.</summary>
    [JsonIgnore]
    public CancellationToken Stop { get; init; }

    /// <summary>The KL weight of epoch <paramref name="epoch"/> (0-based): β·epoch/warm-up epochs during the warm-up, β after it.</summary>
    public double KlWeightAt(int epoch) => KlWarmupEpochs == 0 ? KlWeight : KlWeight * Math.Min(1.0, (double)epoch / KlWarmupEpochs);

    /// <summary>The training objective these options name for epoch <paramref name="epoch"/> (default: after any warm-up).</summary>
    public IVaeObjective CreateObjective(int epoch = int.MaxValue)
    {
        double weight = KlWeightAt(epoch);
        if (weight == 1.0 && KlWarmupEpochs == 0) return IVaeObjective.Parse(Objective);
        if (IVaeObjective.Parse(Objective) is ElboObjective elbo) return new ElboObjective(weight, elbo.Samples);
        throw new LatentException(KlWarmupEpochs > 0
            ? $"KL warm-up needs an ELBO objective, not '{Objective}'"
            : $"a KL weight other than 1 needs an ELBO objective, not '{Objective}'");
    }

    /// <summary>Checks every value and throws a one-line error naming the first bad one.</summary>
    public VaeOptions Validate()
    {
        if (Latent < 1) throw new LatentException($"latent dimensions must be at least 1, got {Latent}");
        if (Hidden.Any(width => width < 1)) throw new LatentException($"hidden widths must be positive, got [{string.Join(", ", Hidden)}]");
        Architectures.Require(Architecture);
        if (Channels.Length == 0 || Channels.Any(width => width < 1)) throw new LatentException($"convolution channels must be positive, got [{string.Join(", ", Channels)}]");
        if (!(Sigma > 0) || double.IsInfinity(Sigma)) throw new LatentException($"Gaussian decoder sigma must be a positive number, got {Sigma}");
        if (!(VarianceFloor >= 0) || double.IsInfinity(VarianceFloor)) throw new LatentException($"variance floor must be a non-negative number, got {VarianceFloor}");
        if (KlWarmupEpochs < 0) throw new LatentException($"KL warm-up epochs must be at least 0, got {KlWarmupEpochs}");
        CreateObjective(0);
        if (Epochs < 1) throw new LatentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new LatentException($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new LatentException($"learning rate must be a positive number, got {LearningRate}");
        if (!(Ema >= 0 && Ema < 1)) throw new LatentException($"weight-average decay must be in [0, 1), got {Ema}");
        if (EvalIwaeSamples < 0) throw new LatentException($"IWAE samples must be at least 0, got {EvalIwaeSamples}");
        if (EvalIwaeExamples is < 1) throw new LatentException($"IWAE examples must be at least 1, got {EvalIwaeExamples}");
        if (Patience is < 1) throw new LatentException($"patience must be at least 1 epoch, got {Patience}");
        if (Patience is not null && !(ValidationFraction > 0 && ValidationFraction < 1)) throw new LatentException($"validation fraction must be in (0, 1), got {ValidationFraction}");
        if (Examples is < 1) throw new LatentException($"training examples must be at least 1, got {Examples}");
        ComputeDevice.Validate(Device);
        return this;
    }

    /// <summary>These options with the decoder chosen from <paramref name="data"/> when it is not set (see <see cref="Decoder"/>).</summary>
    public VaeOptions ForData(Dataset data)
    {
        if (Decoder is not null) return this;
        var features = data.Train.Features;
        var unitInterval = data.Train.Count > 0 && features.min().item<float>() >= 0 && features.max().item<float>() <= 1;
        return this with { Decoder = unitInterval ? DecoderKind.Bernoulli : DecoderKind.GaussianLearned };
    }

    /// <summary>The name that leaves the decoder to be chosen from the data (<see cref="ForData"/>).</summary>
    public const string AutoDecoder = "auto";

    /// <summary>The decoders p(x|z) by name, as options, the CLI and config.json spell them ("auto", the data's choice, is not one).</summary>
    public static Registry<DecoderKind> Decoders { get; } = new Registry<DecoderKind>("decoder")
        .Add("bernoulli", "pixels or features in [0, 1]", DecoderKind.Bernoulli)
        .Add("gaussian-fixed", "real values, fixed standard deviation --sigma", DecoderKind.GaussianFixed)
        .Add("gaussian-learned", "real values, a learned variance per feature", DecoderKind.GaussianLearned);

    /// <summary>The architectures of the encoder and decoder network by name, as options, the CLI and config.json spell them.</summary>
    public static Registry<IVaeArchitecture> Architectures { get; } = new Registry<IVaeArchitecture>("architecture")
        .Add("mlp", "fully connected layers through --hidden, any example shape", new MlpArchitecture())
        .Add("conv", "stride-2 convolutions through --channels, then --hidden, for images [C, H, W] of any size", new ConvArchitecture());

    /// <summary>The command-line and config spelling of a decoder: a registered name, or auto (not set).</summary>
    public static string DecoderName(DecoderKind? kind) => kind is { } set ? Decoders.NameWhere(registered => registered == set) : AutoDecoder;

    /// <summary>Parses a decoder name written by <see cref="DecoderName"/>; an unknown one is a one-line error listing the choices.</summary>
    public static DecoderKind? ParseDecoder(string text) => text == AutoDecoder ? null : Decoders[text];

    /// <summary>A short description such as "784-400-20 bernoulli, elbo" for examples of <paramref name="eventShape"/> and <paramref name="classes"/> classes when conditional.</summary>
    public string Describe(IReadOnlyList<long> eventShape, int classes = 0)
    {
        var sizes = Architectures[Architecture].Describe(eventShape, this);
        var decoder = Decoder switch
        {
            null => "auto",
            DecoderKind.Bernoulli => "bernoulli",
            DecoderKind.GaussianFixed => FormattableString.Invariant($"gaussian-fixed(sigma={Sigma:G3})"),
            _ => FormattableString.Invariant($"gaussian-learned(floor={VarianceFloor:G3})"),
        };
        var warmup = KlWarmupEpochs > 0 ? $", KL warm-up {KlWarmupEpochs} epochs" : "";
        var conditional = Conditional ? $", conditional on {classes} classes" : "";
        return $"{sizes} {decoder}, {CreateObjective().Name}{warmup}{conditional}";
    }
}
