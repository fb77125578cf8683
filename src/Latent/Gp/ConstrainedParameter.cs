namespace Latent.Gp;

/// <summary>How a <see cref="ConstrainedParameter"/> maps its unconstrained storage to its value.</summary>
public enum Constraint
{
    /// <summary>value = exp(unconstrained), elementwise positive (the optimiser works on log values, as scikit-learn's does).</summary>
    Positive,

    /// <summary>value = the lower triangle of the unconstrained matrices (a Cholesky factor).</summary>
    LowerTriangular,
}

/// <summary>
/// A GP parameter with a constraint (GPflow's Parameter with a transform): the optimiser sees the trainable tensor
/// "unconstrained" (its state-dict key), the model reads <see cref="Value"/> through the constraint. Kernels, likelihoods and
/// q(u) declare these instead of wiring raw fields and transforms by hand. Values start as float64 (a module's <c>to(float32)</c> converts them).
/// </summary>
public sealed class ConstrainedParameter : nn.Module
{
    private readonly TorchSharp.Modules.Parameter unconstrained;

    /// <summary>The first format version of the GP model folders whose positive parameters are stored as log values; earlier ones stored softplus⁻¹ of the value.</summary>
    public const int FirstExpStorageVersion = 3;

    private ConstrainedParameter(Tensor storage, Constraint constraint) : base(nameof(ConstrainedParameter))
    {
        unconstrained = new TorchSharp.Modules.Parameter(storage, requires_grad: true);
        Constraint = constraint;
        RegisterComponents();
    }

    /// <summary>A positive parameter starting at <paramref name="values"/>; <paramref name="what"/> names it in the error for a value that is not positive and finite.</summary>
    public static ConstrainedParameter Positive(double[] values, string what)
    {
        foreach (var v in values)
        {
            if (!(v > 0) || double.IsInfinity(v)) throw new LatentException($"{what} must be positive and finite, got {v}");
        }
        return new ConstrainedParameter(tensor(values.Select(Gp.Positive.Inverse).ToArray(), dtype: float64), Constraint.Positive);
    }

    /// <summary>A positive parameter starting at the values of <paramref name="values"/> (any shape).</summary>
    public static ConstrainedParameter Positive(Tensor values, string what)
    {
        using var noGrad = no_grad();
        using var value = values.detach().to(float64);
        CheckPositive(value, what);
        return new ConstrainedParameter(Gp.Positive.InverseOf(value), Constraint.Positive);
    }

    /// <summary>A lower-triangular parameter (matrices [..., M, M]) starting at the lower triangle of <paramref name="values"/>.</summary>
    public static ConstrainedParameter LowerTriangular(Tensor values)
    {
        if (values.dim() < 2 || values.shape[^1] != values.shape[^2]) throw new LatentException($"a lower-triangular parameter needs square matrices, got [{string.Join(", ", values.shape)}]");
        using var noGrad = no_grad();
        return new ConstrainedParameter(torch.tril(values.detach().to(float64)), Constraint.LowerTriangular);
    }

    /// <summary>The constraint.</summary>
    public Constraint Constraint { get; }

    /// <summary>The trainable unconstrained tensor the optimiser updates.</summary>
    public TorchSharp.Modules.Parameter Unconstrained => unconstrained;

    /// <summary>The shape of the value.</summary>
    public long[] Shape => unconstrained.shape;

    /// <summary>The constrained value, differentiable with respect to <see cref="Unconstrained"/>.</summary>
    public Tensor Value => Constraint == Constraint.Positive ? Gp.Positive.Forward(unconstrained) : torch.tril(unconstrained);

    /// <summary>The constrained value as doubles (row-major), detached.</summary>
    public double[] Values
    {
        get
        {
            using var noGrad = no_grad();
            using var value = Value;
            using var doubles = value.to(float64);
            return doubles.contiguous().data<double>().ToArray();
        }
    }

    /// <summary>The gradient that backward left on <see cref="Unconstrained"/>, mapped to the gradient with respect to the value (null before backward).</summary>
    public Tensor? ValueGradient()
    {
        if (unconstrained.grad is not { } gradient) return null;
        using var noGrad = no_grad();
        return Constraint == Constraint.Positive ? gradient / unconstrained.exp() : torch.tril(gradient);
    }

    /// <summary>Sets the parameter so that its value is <paramref name="value"/> (same shape; positive for a positive parameter, the lower triangle is kept otherwise).</summary>
    public void Assign(Tensor value)
    {
        if (!value.shape.SequenceEqual(Shape)) throw new LatentException($"parameter value must be [{string.Join(", ", Shape)}], got [{string.Join(", ", value.shape)}]");
        using var noGrad = no_grad();
        using var converted = value.detach().to(unconstrained.dtype);
        if (Constraint == Constraint.Positive) CheckPositive(converted, "a positive parameter");
        using var storage = Constraint == Constraint.Positive ? Gp.Positive.InverseOf(converted) : torch.tril(converted);
        unconstrained.copy_(storage);
    }

    /// <summary>
    /// Rewrites the positive parameters of <paramref name="model"/>, loaded from a folder of <paramref name="storedVersion"/>, as log values
    /// when that version is before <see cref="FirstExpStorageVersion"/> (which stored softplus⁻¹ of the value), so that they keep their values.
    /// </summary>
    public static void ConvertSoftplusStorage(nn.Module model, int storedVersion)
    {
        if (storedVersion >= FirstExpStorageVersion) return;
        using var noGrad = no_grad();
        foreach (var parameter in model.modules().OfType<ConstrainedParameter>().Where(p => p.Constraint == Constraint.Positive))
        {
            using var value = Gp.Positive.FromSoftplus(parameter.unconstrained);
            using var storage = Gp.Positive.InverseOf(value);
            parameter.unconstrained.copy_(storage);
        }
    }

    private static void CheckPositive(Tensor value, string what)
    {
        using var bad = (value <= 0).logical_or(value.isinf()).logical_or(value.isnan()).any();
        if (bad.item<bool>()) throw new LatentException($"{what} must be positive and finite");
    }
}
