using TorchSharp.Modules;

namespace Latent.Nn;

/// <summary>A fully connected network: Linear layers with an activation between them and none after the last.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers;
    private readonly MlpActivation activation;

    /// <summary>Creates an MLP with the given layer widths, e.g. [10, 64, 64, 20] for two hidden layers.</summary>
    public Mlp(IReadOnlyList<int> widths, MlpActivation activation = MlpActivation.Relu, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(Mlp))
    {
        if (widths.Count < 2 || widths.Any(w => w < 1))
            throw new LatentException($"MLP widths must list at least an input and an output size, all positive; got [{string.Join(", ", widths)}]");
        Widths = widths.ToArray();
        this.activation = activation;
        layers = new ModuleList<Linear>();
        for (int i = 0; i + 1 < widths.Count; i++)
            layers.Add(nn.Linear(widths[i], widths[i + 1], dtype: dtype, device: device));
        RegisterComponents();
    }

    /// <summary>The layer widths, input first.</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>The last Linear layer (for example to start its bias at a data statistic).</summary>
    public Linear OutputLayer => layers[layers.Count - 1];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].forward(x);
            if (i + 1 < layers.Count) x = Activate(x);
        }
        return x;
    }

    private Tensor Activate(Tensor x) => activation switch
    {
        MlpActivation.Tanh => x.tanh(),
        _ => nn.functional.relu(x),
    };
}
