namespace Latent.Data;

/// <summary>Contiguous train / validation / test token ranges of a corpus (no shuffling, so no leakage across documents).</summary>
public sealed record CorpusSplit(IReadOnlyList<string> Train, IReadOnlyList<string> Validation, IReadOnlyList<string> Test);
