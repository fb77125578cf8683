namespace Latent.Gp.Kernels;

/// <summary>
/// A stationary kernel σ² f(r²) whose profile f and slope df/d(r²) have closed forms. Its covariance is one autograd node that keeps
/// r² and f for backward, instead of every elementwise intermediate of f (about ten N × N matrices for Matérn-5/2), which exact GPR
/// and SGPR hold through each evaluation of the loss.
/// </summary>
public abstract class ProfileStationary : Stationary
{
    /// <summary>Creates the kernel; a single lengthscale is shared by all dimensions, several give ARD.</summary>
    protected ProfileStationary(string name, double variance, double[]? lengthscales, long[]? activeDims) : base(name, variance, lengthscales, activeDims)
    {
    }

    /// <summary>The profile f(r²) = k / σ², computed without gradients.</summary>
    protected abstract Tensor Profile(Tensor squaredDistance);

    /// <summary>The slope df/d(r²), computed without gradients; finite (zero where the true slope is not) at r² = 0.</summary>
    protected abstract Tensor Slope(Tensor squaredDistance);

    /// <inheritdoc />
    protected sealed override Tensor FromSquaredDistance(Tensor variance, Tensor squaredDistance) => ProfileNode.apply(variance, squaredDistance, this);

    /// <summary>σ² f(r²) with the gradients σ² f′(r²) G for r² and Σ G f for σ².</summary>
    private sealed class ProfileNode : autograd.SingleTensorFunction<ProfileNode>
    {
        public override string Name => nameof(ProfileStationary);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (variance, squaredDistance, kernel) = ((Tensor)vars[0], (Tensor)vars[1], (ProfileStationary)vars[2]);
            var profile = kernel.Profile(squaredDistance);
            ctx.save_for_backward([variance, squaredDistance, profile]);
            ctx.save_data("kernel", kernel);
            return profile * variance;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
        {
            var saved = ctx.get_saved_variables();
            var (variance, squaredDistance, profile) = (saved[0], saved[1], saved[2]);
            var kernel = (ProfileStationary)ctx.get_data("kernel");
            var varianceGradient = grad.reshape(-1).dot(profile.reshape(-1)).reshape(variance.shape);
            var distanceGradient = kernel.Slope(squaredDistance).mul_(grad).mul_(variance);
            return [varianceGradient, distanceGradient, null!];
        }
    }
}
