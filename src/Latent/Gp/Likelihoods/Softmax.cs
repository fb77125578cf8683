namespace Latent.Gp.Likelihoods;

/// <summary>The softmax inverse link, with its expectations under q(f) estimated by Monte Carlo.</summary>
public sealed class Softmax : MulticlassLink
{
    private readonly Generator? generator;

    /// <summary>Creates the link; expectations average over the given number of samples drawn from the run's generator.</summary>
    public Softmax(int samples = 100, Generator? generator = null) : base(nameof(Softmax))
    {
        if (samples < 1) throw new LatentException($"Softmax needs at least one Monte Carlo sample, got {samples}");
        Samples = samples;
        this.generator = generator;
        RegisterComponents();
    }

    /// <summary>The number of Monte Carlo samples per expectation.</summary>
    public int Samples { get; }

    /// <summary>softmax(f) over the last dimension.</summary>
    public override Tensor forward(Tensor f) => special.softmax(f, -1, null);

    /// <summary>(1/S) Σₛ log softmax(fₛ)_y with fₛ = μ + √v · εₛ.</summary>
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor labels)
    {
        var logProbabilities = special.log_softmax(Draw(fMean, fVariance), -1, null);
        return Select(logProbabilities, labels).mean([0]);
    }

    /// <summary>(1/S) Σₛ softmax(fₛ).</summary>
    public override Tensor PredictProbabilities(Tensor fMean, Tensor fVariance) =>
        special.softmax(Draw(fMean, fVariance), -1, null).mean([0]);

    /// <summary>log (1/S) Σₛ softmax(fₛ)_y, computed with log-sum-exp.</summary>
    public override Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor labels)
    {
        var logProbabilities = special.log_softmax(Draw(fMean, fVariance), -1, null);
        return Select(logProbabilities, labels).logsumexp(0) - Math.Log(Samples);
    }

    private Tensor Draw(Tensor fMean, Tensor fVariance)
    {
        var noise = randn([Samples, fMean.shape[0], fMean.shape[1]], dtype: fMean.dtype, device: fMean.device, generator: generator);
        return fMean.unsqueeze(0) + fVariance.sqrt().unsqueeze(0) * noise;
    }

    private static Tensor Select(Tensor logProbabilities, Tensor labels) =>
        logProbabilities.gather(2, labels.view(1, -1, 1).expand(logProbabilities.shape[0], -1, 1)).squeeze(2);
}
