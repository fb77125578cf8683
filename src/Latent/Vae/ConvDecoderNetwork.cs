using Latent.Nn;
using TorchSharp.Modules;

namespace Latent.Vae;

/// <summary>
/// The network inside a convolutional decoder, mirroring <see cref="ConvEncoder"/>: codes through an MLP (ReLU) to the encoder's last feature
/// map, then 3×3 transposed convolutions of stride 2 (ReLU between them), each doubling the size and cropped to exactly the size the encoder saw
/// there (7 → 14 → 28, 2 → 4 → 3 → 6 → 5), ending in P × C channels; a bias per output element (P, C, H, W) is added last, so it can start at
/// the data's per-pixel statistics.
/// </summary>
public sealed class ConvDecoderNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Mlp dense;
    private readonly ModuleList<ConvTranspose2d> deconvolutions;
    private readonly Parameter bias;
    private readonly long[] start;
    private readonly (long Height, long Width)[] sizes;

    /// <summary>Creates the network from codes of <paramref name="codeSize"/> through <paramref name="hiddenSizes"/> and the reversed <paramref name="channels"/> to <paramref name="outputsPerFeature"/> outputs per pixel of <paramref name="eventShape"/>.</summary>
    public ConvDecoderNetwork(int codeSize, IReadOnlyList<int> hiddenSizes, IReadOnlyList<int> channels, IReadOnlyList<long> eventShape, int outputsPerFeature, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(ConvDecoderNetwork))
    {
        if (eventShape.Count != 3 || eventShape.Any(size => size < 1)) throw new LatentException($"a convolutional decoder needs images [channels, height, width], got [{string.Join(", ", eventShape)}]");
        if (channels.Count == 0 || channels.Any(c => c < 1)) throw new LatentException($"convolution channels must be positive, got [{string.Join(", ", channels)}]");
        var heights = ConvArchitecture.Sizes(eventShape[1], channels.Count);
        var widths = ConvArchitecture.Sizes(eventShape[2], channels.Count);
        start = [channels[^1], heights[^1], widths[^1]];
        dense = new Mlp([codeSize, .. hiddenSizes, checked((int)(start[0] * start[1] * start[2]))], dtype: dtype, device: device);
        deconvolutions = new ModuleList<ConvTranspose2d>();
        sizes = new (long, long)[channels.Count];
        for (int level = channels.Count - 1; level >= 0; level--)
        {
            long output = level == 0 ? outputsPerFeature * eventShape[0] : channels[level - 1];
            deconvolutions.Add(nn.ConvTranspose2d(channels[level], output, 3, stride: 2, padding: 1, output_padding: 1, bias: level != 0, device: device, dtype: dtype));
            sizes[channels.Count - 1 - level] = (heights[level], widths[level]);
        }
        bias = nn.Parameter(zeros([outputsPerFeature * eventShape[0], eventShape[1], eventShape[2]], dtype, device));
        RegisterComponents();
    }

    /// <summary>The bias added last, [P·C, H, W].</summary>
    public Tensor OutputBias => bias;

    /// <summary>Outputs [N, P·C, H, W] for codes [.., codeSize] (N = the codes' leading dimensions multiplied out).</summary>
    public override Tensor forward(Tensor z)
    {
        var h = nn.functional.relu(dense.forward(z.reshape(-1, z.shape[^1]))).view([-1, .. start]);
        for (int i = 0; i < deconvolutions.Count; i++)
        {
            h = deconvolutions[i].forward(h).narrow(2, 0, sizes[i].Height).narrow(3, 0, sizes[i].Width);
            if (i + 1 < deconvolutions.Count) h = nn.functional.relu(h);
        }
        return h + bias;
    }
}
