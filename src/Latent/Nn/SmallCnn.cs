using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Nn;

/// <summary>
/// A small LeNet-style CNN for 28×28 grey images given as flat [B, 784] rows: conv5(16) → ReLU → maxpool2 →
/// conv5(32) → ReLU → maxpool2 → linear(512 → hidden) → ReLU → linear(hidden → classes) logits.
/// </summary>
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear hidden;
    private readonly Linear output;

    /// <summary>Creates the network with float32 weights drawn from torch's default generator (seed it with torch.manual_seed).</summary>
    public SmallCnn(int classes, int hiddenUnits) : base(nameof(SmallCnn))
    {
        if (classes < 2 || hiddenUnits < 1) throw new LatentException($"SmallCnn needs ≥ 2 classes and ≥ 1 hidden unit, got {classes} and {hiddenUnits}");
        conv1 = nn.Conv2d(1, 16, 5);
        conv2 = nn.Conv2d(16, 32, 5);
        hidden = nn.Linear(32 * 4 * 4, hiddenUnits);
        output = nn.Linear(hiddenUnits, classes);
        RegisterComponents();
    }

    /// <summary>Logits [B, classes] for images [B, 784].</summary>
    public override Tensor forward(Tensor images)
    {
        if (images.dim() != 2 || images.shape[1] != 784) throw new LatentException($"SmallCnn expects [B, 784] images, got [{string.Join(", ", images.shape)}]");
        using var scope = NewDisposeScope();
        var x = images.view(-1, 1, 28, 28);
        x = nn.functional.max_pool2d(nn.functional.relu(conv1.call(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.call(x)), 2);
        x = nn.functional.relu(hidden.call(x.flatten(1)));
        return output.call(x).MoveToOuterDisposeScope();
    }
}
