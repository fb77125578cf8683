using TorchSharp.Modules;

namespace Latent.Nn;

/// <summary>
/// A small LeNet-style CNN for images of any channels × height × width: conv5(16, same padding) → ReLU → maxpool2 →
/// conv5(32, same padding) → ReLU → maxpool2 → adaptive average pool to 4×4 → linear(512 → hidden) → ReLU → linear(hidden → classes).
/// </summary>
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly long[] imageShape;

    /// <summary>Creates the network for images [C, H, W] on <paramref name="device"/> (default CPU) with float32 weights drawn from torch's default generator (seed it with torch.manual_seed).</summary>
    public SmallCnn(IReadOnlyList<long> imageShape, int classes, int hiddenUnits, Device? device = null) : base(nameof(SmallCnn))
    {
        if (imageShape.Count != 3 || imageShape.Any(d => d < 1)) throw new LatentException($"SmallCnn needs an image shape [channels, height, width], got [{string.Join(", ", imageShape)}]");
        if (classes < 2 || hiddenUnits < 1) throw new LatentException($"SmallCnn needs ≥ 2 classes and ≥ 1 hidden unit, got {classes} and {hiddenUnits}");
        this.imageShape = imageShape.ToArray();
        conv1 = nn.Conv2d(imageShape[0], 16, 5, padding: 2, device: device);
        conv2 = nn.Conv2d(16, 32, 5, padding: 2, device: device);
        hidden = nn.Linear(32 * 4 * 4, hiddenUnits, device: device);
        output = nn.Linear(hiddenUnits, classes, device: device);
        RegisterComponents();
    }

    /// <summary>Logits [B, classes] for images [B, C, H, W] or the same images flattened to [B, C·H·W].</summary>
    public override Tensor forward(Tensor images)
    {
        long features = imageShape[0] * imageShape[1] * imageShape[2];
        bool flat = images.dim() == 2 && images.shape[1] == features;
        if (!flat && !(images.dim() == 4 && images.shape.Skip(1).SequenceEqual(imageShape)))
            throw new LatentException($"SmallCnn expects images [B, {string.Join(", ", imageShape)}] or [B, {features}], got [{string.Join(", ", images.shape)}]");
        using var scope = NewDisposeScope();
        var x = images.view(-1, imageShape[0], imageShape[1], imageShape[2]);
        x = nn.functional.max_pool2d(nn.functional.relu(conv1.call(x)), 2, ceil_mode: true);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.call(x)), 2, ceil_mode: true);
        x = nn.functional.adaptive_avg_pool2d(x, new long[] { 4, 4 });
        x = nn.functional.relu(hidden.call(x.flatten(1)));
        return output.call(x).MoveToOuterDisposeScope();
    }
}
