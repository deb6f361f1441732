// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Storage;

/// <summary>A write conflicts with what is stored (e.g. a bank name already taken). Nothing was changed.</summary>
public sealed class StoreConflictException(string message) : Exception(message);
