using TorchSharp.Modules;

namespace Latent.Training;

/// <summary>Which optimizer to use and its hyper-parameters; builds the TorchSharp optimizer for a set of parameters.</summary>
public sealed record OptimizerSettings(OptimizerKind Kind, double LearningRate, double Momentum = 0.9, double WeightDecay = 0.0)
{
    /// <summary>The optimizers by name, as options, the CLI and config.json spell them.</summary>
    public static Registry<OptimizerKind> Registry { get; } = new Registry<OptimizerKind>("optimizer")
        .Add("sgd", "plain stochastic gradient descent", OptimizerKind.Sgd)
        .Add("momentum", "SGD with heavy-ball momentum 0.9", OptimizerKind.Momentum)
        .Add("adam", "Adam (Kingma and Ba 2015)", OptimizerKind.Adam)
        .Add("lbfgs", "L-BFGS with a backtracking line search, for whole-data losses", OptimizerKind.Lbfgs);

    /// <summary>L-BFGS iterations within one optimizer step.</summary>
    public const int LbfgsIterationsPerStep = 20;

    /// <summary>The name <paramref name="kind"/> is registered under ("sgd", "momentum", "adam").</summary>
    public static string NameOf(OptimizerKind kind) => Registry.NameWhere(registered => registered == kind);

    /// <summary>Plain SGD at the given learning rate.</summary>
    public static OptimizerSettings Sgd(double learningRate) => new(OptimizerKind.Sgd, learningRate, 0.0);

    /// <summary>Adam at the given learning rate (default 1e-3 as in the VAE and most Python examples).</summary>
    public static OptimizerSettings Adam(double learningRate = 1e-3) => new(OptimizerKind.Adam, learningRate);

    /// <summary>Checks the settings and throws a one-line error naming a bad value.</summary>
    public OptimizerSettings Validate()
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new LatentException($"learning rate must be a positive number, got {LearningRate}");
        if (Momentum is < 0 or >= 1) throw new LatentException($"momentum must be in [0, 1), got {Momentum}");
        if (WeightDecay < 0) throw new LatentException($"weight decay must be non-negative, got {WeightDecay}");
        return this;
    }

    /// <summary>Builds the optimizer over <paramref name="parameters"/>.</summary>
    public OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, LearningRate, weight_decay: WeightDecay),
            OptimizerKind.Momentum => optim.SGD(parameters, LearningRate, momentum: Momentum, weight_decay: WeightDecay),
            OptimizerKind.Lbfgs => new Lbfgs(parameters, LearningRate, LbfgsIterationsPerStep),
            _ => new FusedOptimizers.Adam(parameters, LearningRate, WeightDecay),
        };
    }

    /// <summary>A short description such as "adam lr=0.001".</summary>
    public override string ToString() => Kind switch
    {
        OptimizerKind.Momentum => $"sgd+momentum({Momentum}) lr={LearningRate:G4}",
        _ => $"{NameOf(Kind)} lr={LearningRate:G4}",
    };
}
