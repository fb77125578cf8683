// The namespaces most files of this project use, imported once for all of them.
global using System.Text.Json;
global using System.Text.Json.Nodes;
global using System.Text.Json.Serialization;
global using Latent.Data;
global using Latent.IO;
global using Latent.Models;
global using Latent.Training;
global using TorchSharp;
global using static TorchSharp.torch;
