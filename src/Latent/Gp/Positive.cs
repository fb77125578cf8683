namespace Latent.Gp;

/// <summary>The softplus transform that keeps GP hyperparameters positive: value = log(1 + exp(raw)).</summary>
internal static class Positive
{
    /// <summary>Maps an unconstrained tensor to its positive value.</summary>
    public static Tensor Forward(Tensor raw) => nn.functional.softplus(raw, 1.0, 20.0);

    /// <summary>The elementwise inverse of softplus for a tensor of positive values.</summary>
    public static Tensor InverseOf(Tensor value) => where(value > 20.0, value, value + (-(-value.clamp_max(20.0)).expm1()).log());

    /// <summary>The inverse of softplus, log(exp(v) − 1), written to stay finite for small and large v.</summary>
    public static double Inverse(double value) => value > 20 ? value : Math.Log(-double.ExpM1(-value)) + value;
}
