console.log('voxelflow-ink: not implemented yet');
